// A real IMAP server for tests (plain and implicit TLS on 127.0.0.1, ports of its own choosing)
// on a fresh household server context.
import { afterAll, beforeAll } from 'vitest';
import { startImapServer, type ImapServerTuning } from '../../src/main/server/imap/index.ts';
import { imapServerLimits } from '../../src/main/base/limits.ts';
import type { RunningListener } from '../../src/main/server/context.ts';
import { createTestServerContext, type TestServerContext } from './server-context.ts';
import type { ImapLogin } from './imap-raw-client.ts';

export interface TestServer extends TestServerContext {
  plain: RunningListener;
  tls: RunningListener;
  /** The first user's address and password. */
  user: string;
  password: string;
  /** Closes the listeners and the store, and removes the folder. */
  close(): Promise<void>;
}

export async function startTestServer(opts: { users?: Array<[string, string]>; tuning?: Partial<ImapServerTuning> } = {}): Promise<TestServer> {
  const users = opts.users ?? [['alice@home.arpa', 'alice-secret-pw']];
  const base = await createTestServerContext('imap', users);
  const tuning = { ...imapServerLimits, ...opts.tuning };
  const plain = await startImapServer(base.ctx, { host: '127.0.0.1', port: 0, implicitTls: false }, tuning);
  const tls = await startImapServer(base.ctx, { host: '127.0.0.1', port: 0, implicitTls: true }, tuning);
  return {
    ...base,
    plain,
    tls,
    user: users[0]![0],
    password: users[0]![1],
    async close() {
      await plain.close();
      await tls.close();
      await base.close();
    },
  };
}

/**
 * For a describe block: a test server started before its tests and closed after them. Returns where
 * a raw session logs in to it (its plain port, first user), to be called once the tests run.
 */
export function serverForSuite(): () => ImapLogin {
  let srv: TestServer | undefined;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv?.close();
  });
  return () => ({ port: srv!.plain.port, user: srv!.user, password: srv!.password });
}
