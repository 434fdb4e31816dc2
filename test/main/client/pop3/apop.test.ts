// APOP against a real Dovecot that offers it: a private instance of the Dovecot peer (its own
// state folder and free loopback ports) with the apop mechanism switched on, so the greeting carries
// the RFC 1939 timestamp. The shared peer does not offer APOP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Pop3Client } from '../../../../src/main/client/pop3/index.ts';
import { PEERS_DIR } from '../../../support/peers.ts';
import { putIntoMaildir } from '../../../support/dovecot-mail.ts';
import { simpleMessage } from '../../../support/messages.ts';
import { freePort } from '../../../support/ports.ts';
import { expectCode } from '../../../support/expect-code.ts';

describe('POP3 client APOP against Dovecot', () => {
  const state = mkdtempSync('/tmp/hap-'); // short: Dovecot's socket paths must stay < 108 chars
  let pop3Port = 0;

  beforeAll(async () => {
    const [imap, imaps, pop3, pop3s, lmtp] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    pop3Port = pop3;
    execFileSync(path.join(PEERS_DIR, 'start-dovecot.sh'), [state], {
      // Not 'pipe': the daemonised Dovecot would keep the pipes open and the call would never return.
      stdio: 'ignore',
      timeout: 30_000,
      env: {
        ...process.env,
        DOVECOT_IMAP_PORT: String(imap),
        DOVECOT_IMAPS_PORT: String(imaps),
        DOVECOT_POP3_PORT: String(pop3),
        DOVECOT_POP3S_PORT: String(pop3s),
        DOVECOT_LMTP_PORT: String(lmtp),
        DOVECOT_USERS: 'apopuser:apop-secret',
      },
    });
    const conf = path.join(state, 'etc/dovecot.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^auth_mechanisms = .*$/m, 'auth_mechanisms = plain login apop'));
    execFileSync('dovecot', ['-c', conf, 'reload'], { stdio: 'ignore' });
    putIntoMaildir(path.join(state, 'mail/apopuser/Maildir'), [simpleMessage('apop', ['hello'])]);
    // The reload takes a moment: wait for a greeting with a timestamp.
    for (let i = 0; i < 50; i++) {
      const c = await Pop3Client.connect({ host: '127.0.0.1', port: pop3Port, security: 'none' });
      const offered = c.greeting.includes('<');
      c.close();
      if (offered) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('Dovecot did not start offering APOP');
  });

  afterAll(() => {
    execFileSync(path.join(PEERS_DIR, 'stop-dovecot.sh'), [state, '--purge'], { stdio: 'ignore' });
  });

  it('logs in with APOP (chosen by auto on an unencrypted link) and rejects a wrong secret with AUTH_FAILED', async () => {
    const c = await Pop3Client.connect({ host: '127.0.0.1', port: pop3Port, security: 'none' });
    expect(c.greeting).toMatch(/<[^>]+@[^>]+>/);
    await c.login('apopuser', 'apop-secret'); // auto: APOP, the secret never crosses the wire
    expect((await c.stat()).count).toBe(1);
    expect((await c.retrBuffer(1)).toString()).toContain('Subject: apop');
    await c.quit();
    const d = await Pop3Client.connect({ host: '127.0.0.1', port: pop3Port, security: 'none' });
    await expectCode(d.login('apopuser', 'wrong', 'apop'), 'AUTH_FAILED');
    d.close();
  });
});
