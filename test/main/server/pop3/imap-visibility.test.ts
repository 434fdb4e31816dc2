// POP3 and IMAP share the store: a message deleted over POP3 (DELE + QUIT) is gone for an IMAP
// client of the household IMAP server too, and one kept by a dropped POP3 connection is still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { Pop3Client } from '../../../../src/main/client/pop3/index.ts';
import { startImapServer } from '../../../../src/main/server/imap/index.ts';
import type { RunningListener } from '../../../../src/main/server/context.ts';
import { startPop3TestServer } from '../../../support/pop3-test-server.ts';
import type { Pop3TestServer } from '../../../support/pop3-test-server.ts';

describe('POP3 deletions seen over IMAP', () => {
  let srv: Pop3TestServer;
  let imap: RunningListener;
  beforeAll(async () => {
    srv = await startPop3TestServer();
    imap = await startImapServer(srv.ctx, { host: '127.0.0.1', port: 0, implicitTls: false });
    await srv.deliver(
      srv.users[0]![0],
      ['keep me', 'delete me', 'drop me'].map((s) => Buffer.from(`Subject: ${s}\r\n\r\n${s}\r\n`)),
    );
  });
  afterAll(async () => {
    await imap?.close();
    await srv?.close();
  });

  async function imapSubjects(): Promise<string[]> {
    const [user, pass] = srv.users[0]!;
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: imap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass },
      logger: false,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const subjects: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true })) subjects.push(m.envelope?.subject ?? '');
      return subjects;
    } catch (e) {
      // An empty mailbox has no 1:*.
      if (String(e).includes('Invalid messageset')) return [];
      throw e;
    } finally {
      await c.logout();
    }
  }

  it('DELE + dropped connection keeps the message; DELE + QUIT removes it for IMAP', async () => {
    const [user, pass] = srv.users[0]!;
    expect(await imapSubjects()).toEqual(['keep me', 'delete me', 'drop me']);
    const dropped = await Pop3Client.connect({ host: '127.0.0.1', port: srv.plain.port, security: 'none' });
    await dropped.login(user, pass);
    await dropped.dele(3);
    dropped.close();
    for (let i = 0; ; i++) {
      const c = await Pop3Client.connect({ host: '127.0.0.1', port: srv.tls.port, security: 'tls', ca: srv.ca });
      try {
        await c.login(user, pass);
      } catch (e) {
        c.close();
        if (i > 50) throw e;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      await c.dele(2);
      await c.quit();
      break;
    }
    expect(await imapSubjects()).toEqual(['keep me', 'drop me']);
  });
});
