// A household server for family.test as the autoconfig/discovery tests need it: the domain, its
// users, host name mail.family.test, every listener (HTTPS too) on a free port, no log.
import { startHouseholdServer, type RunningHouseholdServer } from '../../src/main/server/household-server.ts';
import { addUser, loadOrCreateConfig } from '../../src/main/server/users/config.ts';
import { silentLogger } from '../../src/main/base/log.ts';
import { tempDir } from './temp-dir.ts';

process.env.HEARTH_SCRYPT_LN ??= '10';

export const ALL_LISTENERS_FREE = { smtp: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0, submission: 0, submissions: 0, https: 0 } as const;

export async function startFamilyServer(o: {
  users: Array<{ address: string; password: string; name?: string }>;
  host?: string;
}): Promise<RunningHouseholdServer> {
  const dataDir = tempDir('family');
  await loadOrCreateConfig(dataDir, 'family.test');
  for (const u of o.users) await addUser(dataDir, u.address, u.password, u.name ? { displayName: u.name } : {});
  const server = await startHouseholdServer({
    dataDir,
    domain: 'family.test',
    hostname: 'mail.family.test',
    ports: ALL_LISTENERS_FREE,
    // no SPF/DKIM lookups for mail a test sends to port 25
    verifyAuthentication: false,
    log: silentLogger,
    ...(o.host ? { host: o.host } : {}),
  });
  for (const u of o.users) await server.store.ensureUser(u.address);
  return server;
}
