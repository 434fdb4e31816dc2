// Filling in the account dialog by hand, as a person does, for an account on the Dovecot peer.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { dovecot } from './peers.ts';

export async function fillDovecotAccount(
  page: Page,
  opts: { name?: string; user: string; password: string; tls: 'starttls' | 'plain'; trustCa?: boolean },
): Promise<void> {
  if (opts.name) await page.getByLabel('Your name').fill(opts.name);
  await page.getByLabel('Email address').fill(`${opts.user}@example.test`);
  await page.getByLabel('Server', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Security', { exact: true }).selectOption(opts.tls);
  await page.getByLabel('Port', { exact: true }).fill(String(dovecot.imapPort));
  await page.getByLabel('User name', { exact: true }).fill(opts.user);
  await page.getByLabel('Password', { exact: true }).fill(opts.password);
  if (opts.trustCa) {
    await page.getByText('Trust a certificate').click();
    await page.getByLabel('CA certificate (PEM)').fill(readFileSync(dovecot.caCertPath, 'utf8'));
  }
}
