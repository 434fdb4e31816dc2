// A real household POP3 server for tests: MaildirStore in a temp folder, the config-file user
// directory, a self-signed certificate made with openssl, plain+STLS and POP3S on 127.0.0.1 port 0.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MaildirStore } from '../../src/main/maildir/maildir-store.ts';
import { ConfigUserDirectory } from '../../src/main/server/users/directory.ts';
import { addUser, loadOrCreateConfig } from '../../src/main/server/users/config.ts';
import { startPop3Server } from '../../src/main/server/pop3/index.ts';
import type { Pop3ServerOptions } from '../../src/main/server/pop3/index.ts';
import type { RunningListener, ServerContext } from '../../src/main/server/context.ts';
import { createLogger, silentLogger } from '../../src/main/base/log.ts';

export const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/mime');

export interface Pop3TestServer {
  dir: string;
  ctx: ServerContext;
  store: MaildirStore;
  plain: RunningListener;
  tls: RunningListener;
  certPath: string;
  ca: Buffer;
  users: Array<[string, string]>;
  /** Delivers messages to a user's INBOX through the store, as the SMTP server does. */
  deliver(address: string, messages: Buffer[]): Promise<number[]>;
  /** The INBOX UIDs as the IMAP server would see them. */
  inboxUids(address: string): Promise<number[]>;
  close(): Promise<void>;
}

export async function startPop3TestServer(opts: { users?: Array<[string, string]>; options?: Pop3ServerOptions } = {}): Promise<Pop3TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-pop3-'));
  const users = opts.users ?? [
    ['alice@home.arpa', 'alice-secret-pw'],
    ['bob@home.arpa', 'bob secret  with spaces'],
  ];
  await loadOrCreateConfig(dir, 'home.arpa');
  for (const [u, p] of users) await addUser(dir, u, p);
  const store = new MaildirStore({ root: path.join(dir, 'mail'), hostname: 'test' });
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'pipe' },
  );
  const log = process.env.HEARTH_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger;
  const ctx: ServerContext = {
    store,
    users: new ConfigUserDirectory(dir),
    log,
    tls: { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') },
    hostname: 'localhost',
  };
  const plain = await startPop3Server(ctx, { host: '127.0.0.1', port: 0, implicitTls: false }, opts.options);
  const tls = await startPop3Server(ctx, { host: '127.0.0.1', port: 0, implicitTls: true }, opts.options);
  return {
    dir,
    ctx,
    store,
    plain,
    tls,
    certPath,
    ca: readFileSync(certPath),
    users,
    async deliver(address, messages) {
      const uids: number[] = [];
      for (const m of messages) {
        const d = store.beginDelivery();
        d.addRecipient(address);
        await d.body(m);
        const copies = await d.commit();
        uids.push(copies[0]!.uid);
      }
      return uids;
    },
    async inboxUids(address) {
      const inbox = await (await store.user(address)).openMailbox('INBOX');
      return (await inbox.listMessages()).map((m) => m.uid);
    },
    async close() {
      await plain.close();
      await tls.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function toCrlf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export function corpus(name: string): Buffer {
  return toCrlf(readFileSync(path.join(CORPUS, name)));
}
