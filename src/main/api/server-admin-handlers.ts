// The admin screen's API methods over the household admin, the code the `hearth` CLI runs too.
// The app asks for stronger passwords than the CLI insists on (adminLimits.minPasswordLength).
import { adminLimits } from '../base/limits.ts';
import type { ServerAdminHandlers } from '../client/hearth-services.ts';
import type { HouseholdAdmin } from '../server/admin/household-admin.ts';

const ok = { ok: true } as const;
const minPasswordLength = adminLimits.minPasswordLength;

export function serverAdminHandlers(admin: HouseholdAdmin): ServerAdminHandlers {
  return {
    'server.users.list': () => admin.listUsers({ usage: true }),
    'server.users.add': ({ address, password, displayName }) =>
      admin.addUser(address, password, { minPasswordLength, ...(displayName ? { displayName } : {}) }),
    'server.users.setPassword': async ({ address, password }) => {
      await admin.setPassword(address, password, { minPasswordLength });
      return ok;
    },
    'server.users.remove': async ({ address, deleteMail }) => {
      await admin.removeUser(address, { deleteMail });
      return ok;
    },
    'server.users.setQuota': async ({ address, quota }) => ({ quotaBytes: await admin.setQuota(address, quota) }),
    'server.aliases.list': () => admin.listAliases(),
    'server.aliases.set': async ({ alias, targets }) => {
      await admin.setAlias(alias, targets);
      return ok;
    },
    'server.aliases.remove': async ({ alias }) => {
      await admin.removeAlias(alias);
      return ok;
    },
    'server.catchall.set': async ({ domain, target }) => {
      await admin.setCatchAll(domain, target);
      return ok;
    },
    'server.domains.list': () => admin.listDomains(),
    'server.domains.add': async ({ name }) => {
      await admin.addDomain(name);
      return ok;
    },
    'server.domains.remove': async ({ name }) => {
      await admin.removeDomain(name);
      return ok;
    },
    'server.certificate.renew': () => admin.renewCertificate(),
    'server.smarthost.set': (input) => admin.setSmarthost(input),
    'server.smarthost.clear': () => admin.clearSmarthost(),
    'server.dns.records': ({ domain, check }) =>
      check
        ? admin.checkDns(domain ? { domain } : {})
        : admin.dnsRecords(domain ? { domain } : {}).then((r) => ({ ...r, records: r.records.map((x) => ({ ...x, check: null })) })),
  };
}
