// `hearth`: the household server's command line.
//
//   hearth serve [--data DIR] [--host ADDR] [--domain NAME] [--hostname NAME] [--demo]
//                [--smtp-port N] [--imap-port N] [--imaps-port N] [--pop3-port N] [--pop3s-port N]
//                [--submission-port N] [--submissions-port N] [--https-port N]   (N = 0: ephemeral, "off": not started)
//                [--standard-ports]   25, 143, 993, 110, 995, 587, 465 and 443 (needs CAP_NET_BIND_SERVICE or root)
//   hearth user add ADDRESS [--password P | stdin] [--name NAME]
//   hearth user list | passwd ADDRESS [--password P | stdin] | remove ADDRESS [--delete-mail]
//   hearth user quota ADDRESS SIZE|none
//   hearth domain add NAME | remove NAME | list
//   hearth alias set ALIAS TARGET... | remove ALIAS | list
//   hearth catchall set DOMAIN ADDRESS | clear DOMAIN
//   hearth demo [--password P]
//   hearth dovecot-export          (server stopped) write dovecot-uidlist/dovecot-keywords for Dovecot
//   hearth cert status | issue ...  the certificate and ACME (acme/cli.ts)
//
// Every command takes --data DIR (default $HEARTH_DATA or ./.hearth-data).
// `serve` prints one line per listener ("listening smtp 127.0.0.1:2525", with " (reachable from
// outside this computer)" when bound to a non-loopback address), the log file
// ("logs DIR/logs/hearth.log") and "ready DIR" on standard output; its JSON log goes to that file
// (rotated by size), and also to standard error with --verbose. SIGTERM or SIGINT stop it within
// 5 s (exit 0): listeners closed, sessions finished or cut, the store flushed.

import { parseArgs } from 'node:util';
import path from 'node:path';
import { isHearthError } from '../../shared/errors.ts';
import { createFileLogger } from '../base/log-file.ts';
import { stopWithin, whenStopSignal } from '../base/graceful-stop.ts';
import { readConfigSync } from './users/config.ts';
import { formatStorageSize } from './users/quota.ts';
import { HouseholdAdmin } from './admin/household-admin.ts';
// The listener names and ports come from ports.ts: household-server.ts (and with it every protocol
// listener) is loaded only by `serve` and `demo`, so the user commands stay quick and work
// whatever state the listeners are in.
import { DEFAULT_PORTS, givenPorts, portOptions, portPlan, STANDARD_PORTS } from './ports.ts';
import { MaildirStore } from '../maildir/maildir-store.ts';
import { relayCommandsUsage, relayServeUsage } from './relay/cli-usage.ts';
import { UsageError, dataDirOf, isUsageError, readSecretFromStdin } from './cli-input.ts';
import { ACME_SERVE_USAGE, CERT_USAGE } from './acme/cli-usage.ts';

const USAGE = `Usage: hearth <command> [options]

Commands:
  serve                         run the household mail server
  user add ADDRESS              add a user (password from --password or standard input)
  user list                     list users
  user passwd ADDRESS           change a password (--password or standard input)
  user remove ADDRESS           remove a user (--delete-mail also deletes the mailbox)
  user quota ADDRESS SIZE|none  limit a user's storage (500M, 2G, bytes) or lift the limit
  domain add NAME | remove NAME | list   local domains
  alias set ALIAS TARGET...     deliver ALIAS to local users; alias remove ALIAS; alias list
  catchall set DOMAIN ADDRESS   unknown addresses of DOMAIN go to ADDRESS; catchall clear DOMAIN
  demo                          create demo@<domain> with welcome mail (once)
  dovecot-export                with the server stopped: keep UIDs and keywords for Dovecot
${relayCommandsUsage}${CERT_USAGE}
Common options:
  --data DIR                    data folder (default $HEARTH_DATA or ./.hearth-data)

serve options:
  --host ADDR                   listen address (default 127.0.0.1)
  --domain NAME                 primary local domain on first run (default home.arpa)
  --hostname NAME               name in greetings and Received headers
  --demo                        create the demo mailbox on a fresh data folder
  --verbose                     also print the JSON log (DATA/logs/hearth.log) on standard error
  --<listener>-port N           ${Object.entries(DEFAULT_PORTS)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; 0 = any free port, off = not started
  --standard-ports              ${Object.entries(STANDARD_PORTS)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}
                                instead (below 1024: root or CAP_NET_BIND_SERVICE, see resources/hearth.service)
${relayServeUsage}${ACME_SERVE_USAGE}`;

/** Runs `fn` with the household admin (the code the app's admin screen uses too) over DATA. */
async function withAdmin<T>(dataDir: string, fn: (admin: HouseholdAdmin) => Promise<T>): Promise<T> {
  const store = new MaildirStore({ root: path.join(dataDir, 'mail') });
  try {
    return await fn(new HouseholdAdmin({ dataDir, store }));
  } finally {
    await store.close();
  }
}

async function serve(argv: string[]): Promise<number> {
  const relayCli = await import('./relay/cli.ts');
  const acmeCli = await import('./acme/cli.ts');
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      host: { type: 'string' },
      domain: { type: 'string' },
      hostname: { type: 'string' },
      demo: { type: 'boolean' },
      'demo-password': { type: 'string' },
      verbose: { type: 'boolean' },
      'standard-ports': { type: 'boolean' },
      ...portOptions,
      ...relayCli.relayServeOptions,
      ...acmeCli.acmeServeOptions,
    },
    allowPositionals: false,
  });
  const v = values as Record<string, string | boolean | undefined>;
  const ports = portPlan(givenPorts(v), v['standard-ports'] === true);
  const dataDir = dataDirOf(v.data as string | undefined);
  const logging = createFileLogger({ dataDir, verbose: Boolean(v.verbose), base: { svc: 'hearth' } });
  const log = logging.log;
  // Handle SIGTERM/SIGINT from the start: a signal during start-up stops the server once it is up.
  const stopRequested = whenStopSignal(log);
  const acmeSettings = await acmeCli.acmeSettingsFromServeArgs(dataDir, values);
  const { startHouseholdServer } = await import('./household-server.ts');
  const server = await startHouseholdServer({
    dataDir,
    ...(v.host ? { host: v.host as string } : {}),
    ...(v.domain ? { domain: v.domain as string } : {}),
    ...(v.hostname ? { hostname: v.hostname as string } : {}),
    ...(v.demo ? { demo: v['demo-password'] ? { password: v['demo-password'] as string } : true } : {}),
    ports,
    relay: relayCli.relayOptionsFromArgs(v),
    ...(acmeSettings ? { acme: { settings: acmeSettings } } : {}),
    log,
  });
  if (server.demo?.created) process.stdout.write(`demo user ${server.demo.address} password ${server.demo.password}\n`);
  for (const l of server.listeners) {
    const host = l.host.includes(':') ? `[${l.host}]` : l.host;
    process.stdout.write(`listening ${l.name} ${host}:${l.port}${l.reachableFromOutside ? ' (reachable from outside this computer)' : ''}\n`);
  }
  process.stdout.write(`logs ${logging.file}\n`);
  process.stdout.write(`ready ${server.dataDir}\n`);
  await stopRequested;
  const clean = await stopWithin(() => server.close(), log);
  logging.close();
  return clean ? 0 : 1;
}

async function user(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      'delete-mail': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const [sub, address, ...rest] = positionals;
  const dataDir = dataDirOf(values.data);
  if (sub === 'quota') {
    if (!address || rest.length !== 1) throw new UsageError('user quota needs an ADDRESS and a SIZE (500M, 2G, bytes) or none');
    const bytes = await withAdmin(dataDir, (a) => a.setQuota(address, rest[0]!));
    process.stdout.write(`quota of ${address.trim().toLowerCase()}: ${bytes === null ? 'none' : formatStorageSize(bytes)}\n`);
    return 0;
  }
  if (rest.length) throw new UsageError(`Unexpected arguments: ${rest.join(' ')}`);
  switch (sub) {
    case 'add': {
      if (!address) throw new UsageError('user add needs an ADDRESS');
      const password = values.password ?? (await readSecretFromStdin('Password'));
      const u = await withAdmin(dataDir, (a) => a.addUser(address, password, values.name ? { displayName: values.name } : {}));
      process.stdout.write(`added ${u.address}\n`);
      return 0;
    }
    case 'list': {
      if (address) throw new UsageError('user list takes no ADDRESS');
      if (!readConfigSync(dataDir)) return 0;
      for (const u of await withAdmin(dataDir, (a) => a.listUsers())) {
        const cols = [u.address];
        if (u.displayName || u.quotaBytes) cols.push(u.displayName ?? '');
        if (u.quotaBytes) cols.push(`quota=${formatStorageSize(u.quotaBytes)}`);
        process.stdout.write(cols.join('\t') + '\n');
      }
      return 0;
    }
    case 'passwd': {
      if (!address) throw new UsageError('user passwd needs an ADDRESS');
      // Before asking for the password: a typo in the address should not cost the admin a prompt.
      if (!readConfigSync(dataDir)?.users.some((u) => u.address === address.trim().toLowerCase())) {
        throw Object.assign(new Error(`No such user: ${address}`), { exitCode: 1 });
      }
      const password = values.password ?? (await readSecretFromStdin('New password'));
      await withAdmin(dataDir, (a) => a.setPassword(address, password));
      process.stdout.write(`password changed for ${address.trim().toLowerCase()}\n`);
      return 0;
    }
    case 'remove': {
      if (!address) throw new UsageError('user remove needs an ADDRESS');
      await withAdmin(dataDir, (a) => a.removeUser(address, { deleteMail: values['delete-mail'] === true }));
      process.stdout.write(`removed ${address.trim().toLowerCase()}${values['delete-mail'] ? ' and its mail' : ' (mail kept)'}\n`);
      return 0;
    }
    default:
      throw new UsageError(sub ? `Unknown user command: ${sub}` : 'user needs a command: add, list, passwd, remove, quota');
  }
}

async function domain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { data: { type: 'string' } }, allowPositionals: true });
  const [sub, name] = positionals;
  const dataDir = dataDirOf(values.data);
  if (sub === 'add' && name) {
    await withAdmin(dataDir, (a) => a.addDomain(name));
    process.stdout.write(`added domain ${name.toLowerCase()}\n`);
    return 0;
  }
  if (sub === 'remove' && name) {
    await withAdmin(dataDir, (a) => a.removeDomain(name));
    process.stdout.write(`removed domain ${name.toLowerCase()}\n`);
    return 0;
  }
  if (sub === 'list') {
    for (const d of await withAdmin(dataDir, (a) => a.listDomains())) process.stdout.write(`${d.name}\n`);
    return 0;
  }
  throw new UsageError('domain add NAME | domain remove NAME | domain list');
}

async function alias(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { data: { type: 'string' } }, allowPositionals: true });
  const [sub, name, ...targets] = positionals;
  const dataDir = dataDirOf(values.data);
  if (sub === 'set' && name && targets.length) {
    await withAdmin(dataDir, (a) => a.setAlias(name, targets));
    process.stdout.write(`alias ${name.toLowerCase()} -> ${targets.map((t) => t.toLowerCase()).join(', ')}\n`);
    return 0;
  }
  if (sub === 'remove' && name) {
    await withAdmin(dataDir, (a) => a.removeAlias(name));
    process.stdout.write(`removed alias ${name.toLowerCase()}\n`);
    return 0;
  }
  if (sub === 'list') {
    if (!readConfigSync(dataDir)) return 0;
    const { aliases, catchAll } = await withAdmin(dataDir, (a) => a.listAliases());
    for (const { alias: a, targets: t } of aliases) process.stdout.write(`${a}\t${t.join(', ')}\n`);
    for (const { domain: d, target: t } of catchAll) process.stdout.write(`*@${d}\t${t}\n`);
    return 0;
  }
  throw new UsageError('alias set ALIAS TARGET... | alias remove ALIAS | alias list');
}

async function catchall(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { data: { type: 'string' } }, allowPositionals: true });
  const [sub, d, target] = positionals;
  const dataDir = dataDirOf(values.data);
  if (sub === 'set' && d && target) {
    await withAdmin(dataDir, (a) => a.setCatchAll(d, target));
    process.stdout.write(`catch-all for ${d.toLowerCase()} -> ${target.toLowerCase()}\n`);
    return 0;
  }
  if (sub === 'clear' && d) {
    await withAdmin(dataDir, (a) => a.setCatchAll(d, null));
    process.stdout.write(`catch-all for ${d.toLowerCase()} cleared\n`);
    return 0;
  }
  throw new UsageError('catchall set DOMAIN ADDRESS | catchall clear DOMAIN');
}

async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, password: { type: 'string' } } });
  const { ensureDemoMailbox } = await import('./household-server.ts');
  const r = await ensureDemoMailbox(dataDirOf(values.data), values.password ? { password: values.password } : {});
  process.stdout.write(r.created ? `created ${r.address} password ${r.password}\n` : `${r.address} already exists\n`);
  return 0;
}

async function dovecotExport(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' } } });
  const store = new MaildirStore({ root: path.join(dataDirOf(values.data), 'mail') });
  try {
    for (const address of await store.listStoredUsers()) {
      const u = await store.user(address);
      const r = await u.exportForDovecot();
      process.stdout.write(`${address}: ${r.mailboxes} mailboxes, ${r.messages} messages\n`);
    }
  } finally {
    await store.close();
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'serve':
        return await serve(rest);
      case 'user':
        return await user(rest);
      case 'domain':
        return await domain(rest);
      case 'alias':
        return await alias(rest);
      case 'catchall':
        return await catchall(rest);
      case 'demo':
        return await demo(rest);
      case 'dovecot-export':
        return await dovecotExport(rest);
      case 'cert':
        return await (await import('./acme/cli.ts')).certCommand(rest);
      case 'queue':
      case 'dns':
      case 'smarthost':
        return await (await import('./relay/cli.ts')).relayCliCommands[cmd](rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command: ${cmd}`);
    }
  } catch (e) {
    if (isUsageError(e)) {
      process.stderr.write(`hearth: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (isHearthError(e)) {
      process.stderr.write(`hearth: ${e.message}\n`);
      return 1;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(`hearth: cannot listen: ${(e as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`hearth: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

const invokedDirectly = (() => {
  const arg = process.argv[1];
  if (!arg) return false;
  const self = path.resolve(import.meta.filename);
  const a = path.resolve(arg);
  return a === self || a.endsWith(path.join('bin', 'hearth.js')) || path.basename(a) === 'hearth';
})();

if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // `serve` has closed its listeners and store; don't wait on stray timers of libraries
      if (process.argv[2] === 'serve') setImmediate(() => process.exit(code));
    },
    (e) => {
      process.stderr.write(`hearth: ${(e as Error)?.message ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
