// The Server panel's certificate and smarthost lines: with a smarthost that refuses connections
// (stored with the sealed-login setting, nothing listening on its port), a message to the world
// makes the panel show "smarthost problem: connection refused" after the relay's first attempt,
// next to the certificate devices see (self-signed, with its fingerprint). Screenshots light and dark.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/web-host-process.ts';
import { browserSession } from '../support/browser-session.ts';
import { tempDir } from '../support/temp-dir.ts';
import { freePort } from '../support/ports.ts';
import { poll } from '../support/wait.ts';
import { writeSmarthostSetting } from '../../src/main/server/relay/smarthost-config.ts';

const slowPoll = <T>(read: () => Promise<T> | T) => poll(read, 30_000);
const session = browserSession();

beforeAll(async () => {
  mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
});

describe('Server panel health', () => {
  it('shows the certificate and, at once, a smarthost that refuses connections', async () => {
    const dataDir = tempDir('server-health');
    const serverDir = path.join(dataDir, 'server');
    mkdirSync(serverDir, { recursive: true });
    await writeSmarthostSetting(serverDir, { host: '127.0.0.1', port: await freePort(), tls: 'starttls', user: 'me@provider.test', password: 'secret' });
    const host = await session.startHost(['--data', dataDir, '--port', '0', '--ephemeral-server-ports', '--undo-seconds', '0', '--no-welcome']);
    const context = await session.browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await slowPoll(() => page.getByTestId('message-row').count()).toBe(4);

    await page.getByTestId('compose').click();
    await page.getByTestId('compose-to').fill('friend@elsewhere.test');
    await page.getByTestId('compose-subject').fill('To the world');
    await page.getByTestId('compose-body').fill('Through the smarthost.');
    await page.getByTestId('compose-send').click();

    await page.getByRole('button', { name: 'Server', exact: true }).click();
    const admin = page.getByRole('dialog');
    await admin.getByRole('tab', { name: 'Outgoing mail' }).click();
    await slowPoll(() => page.getByTestId('smarthost-problem').count()).toBe(1);
    expect(await page.getByTestId('smarthost-problem').textContent()).toMatch(/^smarthost problem: connection refused/);
    expect(await page.getByTestId('smarthost-status').textContent()).toContain('TLS starttls · login me@provider.test');
    expect(await admin.getByRole('alert').count()).toBe(1);
    await page.screenshot({ path: path.join(ROOT, 'test-results/server-smarthost-light.png') });
    await admin.getByRole('tab', { name: 'Certificate' }).click();
    await slowPoll(() => page.getByTestId('certificate-status').count()).toBe(1);
    const cert = await page.getByTestId('certificate-status').textContent();
    expect(cert).toContain('Self-signed for localhost');
    expect(cert).toMatch(/SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    await page.screenshot({ path: path.join(ROOT, 'test-results/server-health-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ROOT, 'test-results/server-health-dark.png') });
    await context.close();
  }, 90_000);
});
