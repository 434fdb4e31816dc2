// A real household POP3 server for tests (plain+STLS and POP3S on 127.0.0.1, ports of its own
// choosing) on a fresh household server context.
import { readFileSync } from 'node:fs';
import { startPop3Server } from '../../src/main/server/pop3/index.ts';
import type { Pop3ServerOptions } from '../../src/main/server/pop3/index.ts';
import type { RunningListener } from '../../src/main/server/context.ts';
import { createTestServerContext, type TestServerContext } from './server-context.ts';
import { deliverToStore } from './store-delivery.ts';

export interface Pop3TestServer extends TestServerContext {
  plain: RunningListener;
  tls: RunningListener;
  ca: Buffer;
  users: Array<[string, string]>;
  /** Delivers messages to a user's INBOX through the store, as the SMTP server does. */
  deliver(address: string, messages: Buffer[]): Promise<number[]>;
  /** The INBOX UIDs as the IMAP server would see them. */
  inboxUids(address: string): Promise<number[]>;
  /** Closes the listeners and the store, and removes the folder. */
  close(): Promise<void>;
}

export async function startPop3TestServer(opts: { users?: Array<[string, string]>; options?: Pop3ServerOptions } = {}): Promise<Pop3TestServer> {
  const users = opts.users ?? [
    ['alice@home.arpa', 'alice-secret-pw'],
    ['bob@home.arpa', 'bob secret  with spaces'],
  ];
  const base = await createTestServerContext('pop3', users);
  const { ctx, store } = base;
  const plain = await startPop3Server(ctx, { host: '127.0.0.1', port: 0, implicitTls: false }, opts.options);
  const tls = await startPop3Server(ctx, { host: '127.0.0.1', port: 0, implicitTls: true }, opts.options);
  return {
    ...base,
    plain,
    tls,
    ca: readFileSync(base.certPath),
    users,
    async deliver(address, messages) {
      const uids: number[] = [];
      for (const m of messages) uids.push((await deliverToStore(store, [address], m))[0]!.uid);
      return uids;
    },
    async inboxUids(address) {
      const inbox = await (await store.user(address)).openMailbox('INBOX');
      return (await inbox.listMessages()).map((m) => m.uid);
    },
    async close() {
      await plain.close();
      await tls.close();
      await base.close();
    },
  };
}
