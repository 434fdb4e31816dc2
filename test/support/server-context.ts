// What a household server's listeners run on, in a fresh temp folder: the config-file user
// directory with the given users, a MaildirStore, and a self-signed certificate for localhost.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { MaildirStore } from '../../src/main/maildir/maildir-store.ts';
import { ConfigUserDirectory } from '../../src/main/server/users/directory.ts';
import { addUser, loadOrCreateConfig } from '../../src/main/server/users/config.ts';
import type { ServerContext } from '../../src/main/server/context.ts';
import { createLogger, silentLogger } from '../../src/main/base/log.ts';
import { makeSelfSignedCert } from './tls-cert.ts';
import { tempDir } from './temp-dir.ts';

export interface TestServerContext {
  dir: string;
  ctx: ServerContext;
  store: MaildirStore;
  certPath: string;
  /** Closes the store and removes the folder (close the listeners first). */
  close(): Promise<void>;
}

/** Users are [address, password] pairs in the domain home.arpa; HEARTH_TEST_LOG=1 shows the server's debug log. */
export async function createTestServerContext(what: string, users: Array<[string, string]>): Promise<TestServerContext> {
  const dir = tempDir(what);
  await loadOrCreateConfig(dir, 'home.arpa');
  for (const [u, p] of users) await addUser(dir, u, p);
  const store = new MaildirStore({ root: path.join(dir, 'mail'), hostname: 'test' });
  const { key, cert, certPath } = makeSelfSignedCert(dir);
  const log = process.env.HEARTH_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger;
  const ctx: ServerContext = { store, users: new ConfigUserDirectory(dir), log, tls: { key, cert }, hostname: 'localhost' };
  return {
    dir,
    ctx,
    store,
    certPath,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
