// The relay's part of the `hearth` command line:
//   hearth queue list [--json] | retry [ID] | delete ID [--reason TEXT] [--bounce]   (--data DIR)
//   hearth dns [--hostname NAME] [--domain NAME] [--NAME-port N|off]                   (--data DIR)
//   hearth smarthost set HOST:PORT [--tls starttls|implicit|none [--allow-plaintext]] [--user U [--password P | stdin]] [--ca FILE]
//   hearth smarthost show | clear                                                      (--data DIR)
//   hearth serve ... [--smarthost HOST:PORT [--smarthost-tls starttls|implicit|none [--smarthost-allow-plaintext]]
//                     [--smarthost-user U --smarthost-password P] [--smarthost-ca FILE]]
//                    [--resolver HOST:PORT] [--relay-port N]
// cli.ts (the server's CLI) registers these through relayCliCommands and relayServeOptions.
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Relay } from './relay.ts';
import type { RelayOptions } from './relay.ts';
import { runControlRequest } from './control.ts';
import type { ControlRequest, ControlResult } from './control.ts';
import { relayRunning, sendControlRequest } from './control-channel.ts';
import { MessageQueue } from './queue.ts';
import { createResolver } from './router.ts';
import { formatZone } from './dkim.ts';
import { dnsRecordsToPublish } from '../admin/dns-records.ts';
import { readConfigSync } from '../users/config.ts';
import { relayCommandsUsage } from './cli-usage.ts';
import { dataDirOf, isUsageError, readSecretFromStdin } from '../cli-input.ts';
import { SMARTHOST_TLS_MODES, type SmarthostTls } from './types.ts';
import { clearSmarthostSetting, readSmarthostSummary, writeSmarthostSetting, type SmarthostSetting } from './smarthost-config.ts';
import { givenPorts, portOptions } from '../ports.ts';
import type { RELAY_COMMANDS } from './cli-usage.ts';

function hostPort(flag: string, v: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(v);
  if (!m || Number(m[2]) > 65535) throw Object.assign(new Error(`--${flag}: expected HOST:PORT, got ${v}`), { usage: true });
  return { host: m[1]!, port: Number(m[2]) };
}

/** Options `hearth serve` accepts for the relay (spread into its parseArgs options). */
export const relayServeOptions = {
  smarthost: { type: 'string' },
  'smarthost-user': { type: 'string' },
  'smarthost-password': { type: 'string' },
  'smarthost-ca': { type: 'string' },
  'smarthost-tls': { type: 'string' },
  'smarthost-allow-plaintext': { type: 'boolean' },
  resolver: { type: 'string' },
  'relay-port': { type: 'string' },
} as const;

function tlsMode(flag: string, v: unknown): SmarthostTls {
  if (v === undefined) return 'starttls';
  if (!SMARTHOST_TLS_MODES.includes(v as SmarthostTls)) {
    throw Object.assign(new Error(`--${flag}: one of ${SMARTHOST_TLS_MODES.join(', ')}, got ${String(v)}`), { usage: true });
  }
  return v as SmarthostTls;
}

/** Relay options from `hearth serve`'s parsed values. */
export function relayOptionsFromArgs(values: Record<string, unknown>): Partial<RelayOptions> {
  const out: Partial<RelayOptions> = {};
  if (typeof values.smarthost === 'string') {
    const { host, port } = hostPort('smarthost', values.smarthost);
    out.smarthost = { host, port };
    if (typeof values['smarthost-user'] === 'string') out.smarthost.user = values['smarthost-user'];
    if (typeof values['smarthost-password'] === 'string') out.smarthost.password = values['smarthost-password'];
    if (typeof values['smarthost-ca'] === 'string') out.smarthost.ca = readFileSync(values['smarthost-ca']);
    out.smarthost.tls = tlsMode('smarthost-tls', values['smarthost-tls']);
    if (values['smarthost-allow-plaintext'] === true) out.smarthost.allowPlaintext = true;
    if (out.smarthost.tls === 'none' && !out.smarthost.allowPlaintext) {
      throw Object.assign(new Error('--smarthost-tls none sends the password and mail in clear: add --smarthost-allow-plaintext to allow it'), { usage: true });
    }
  } else if (values['smarthost-tls'] !== undefined || values['smarthost-user'] !== undefined) {
    throw Object.assign(new Error('--smarthost-tls and --smarthost-user need --smarthost HOST:PORT'), { usage: true });
  }
  if (typeof values.resolver === 'string') {
    const { host, port } = hostPort('resolver', values.resolver);
    out.resolver = createResolver(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  }
  if (typeof values['relay-port'] === 'string') {
    const p = Number(values['relay-port']);
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw Object.assign(new Error(`--relay-port: not a port: ${values['relay-port']}`), { usage: true });
    out.smtpPort = p;
  }
  return out;
}

/** Runs a queue operation in the running server (through queue/control/), or directly when none runs. */
export async function queueControl(dataDir: string, req: ControlRequest, timeoutMs = 15_000): Promise<ControlResult> {
  if (relayRunning(dataDir)) return sendControlRequest(dataDir, req, timeoutMs);
  const cfg = readConfigSync(dataDir);
  const relay = new Relay({
    dataDir,
    hostname: 'localhost',
    ...(cfg?.domains[0] ? { postmasterDomain: cfg.domains[0] } : {}),
    autoRun: false,
    control: false,
    dkim: null,
  });
  await relay.start();
  try {
    return await runControlRequest(relay.control, req);
  } finally {
    await relay.stop();
  }
}

function age(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 120 ? `${m}m` : m < 48 * 60 ? `${Math.round(m / 60)}h` : `${Math.round(m / 1440)}d`;
}

async function queueCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { data: { type: 'string' }, reason: { type: 'string' }, bounce: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [sub, id, ...rest] = positionals;
  const dataDir = dataDirOf(values.data);
  if (rest.length) throw Object.assign(new Error(`Unexpected arguments: ${rest.join(' ')}`), { usage: true });
  switch (sub) {
    case 'list': {
      // Read-only: straight from the files, whether or not a server runs.
      const q = new MessageQueue(dataDir);
      const items = [];
      if (existsSync(q.dir)) {
        for (const name of (await readdir(q.dir)).filter((n) => n.endsWith('.json')).sort()) {
          try {
            items.push(JSON.parse(await readFile(path.join(q.dir, name), 'utf8')));
          } catch {
            /* being rewritten or damaged; the server moves damaged files aside */
          }
        }
      }
      const corrupt = await q.listCorrupt();
      if (values.json) {
        process.stdout.write(JSON.stringify({ messages: items, corrupt }, null, 2) + '\n');
        return 0;
      }
      const now = Date.now();
      for (const env of items) {
        process.stdout.write(
          `${env.id}  ${age(now - env.createdAt)} old  ${env.bodySize} bytes  from <${env.from}>${env.submittedBy ? ` (by ${env.submittedBy})` : ''}\n`,
        );
        for (const r of env.recipients) {
          const when = r.state === 'pending' || r.state === 'deferred' ? `, next try in ${age(Math.max(0, r.nextAttemptAt - now))}` : '';
          process.stdout.write(`    <${r.address}>  ${r.state}, ${r.attempts} attempt(s)${when}${r.lastReply ? `: ${r.lastReply}` : ''}\n`);
        }
      }
      for (const c of corrupt) process.stdout.write(`${c}  DAMAGED (moved to queue/corrupt/, see ${c}.reason.txt)\n`);
      if (!items.length && !corrupt.length) process.stdout.write('queue is empty\n');
      return 0;
    }
    case 'retry': {
      const r = await queueControl(dataDir, id ? { op: 'retry', id } : { op: 'retry' });
      if (!r.ok) {
        process.stderr.write(`hearth: ${r.message}\n`);
        return 1;
      }
      process.stdout.write(`retrying ${r.recipients ?? 0} recipient(s)${id ? ` of ${id}` : ''}\n`);
      return 0;
    }
    case 'delete': {
      if (!id) throw Object.assign(new Error('queue delete needs an ID'), { usage: true });
      const reason = values.reason ?? 'deleted by the administrator';
      const r = await queueControl(dataDir, { op: 'delete', id, reason, bounce: values.bounce === true });
      if (!r.ok) {
        process.stderr.write(`hearth: ${r.message}\n`);
        return 1;
      }
      process.stdout.write(`deleted ${id}${values.bounce ? ' (sender notified)' : ''}: ${reason}\n`);
      return 0;
    }
    default:
      throw Object.assign(new Error('queue list | queue retry [ID] | queue delete ID [--reason TEXT] [--bounce]'), { usage: true });
  }
}

async function dnsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { data: { type: 'string' }, hostname: { type: 'string' }, domain: { type: 'string' }, ...portOptions },
  });
  const dataDir = dataDirOf(values.data);
  // No domain (given or configured) is dnsRecordsToPublish's NOT_FOUND, as for the app.
  const { domain, mailHost, records } = await dnsRecordsToPublish(dataDir, {
    ...(values.domain ? { domain: values.domain } : {}),
    ...(values.hostname ? { hostname: values.hostname } : {}),
    // The ports the world reaches: the standard ones unless --NAME-port says otherwise (a port map).
    ports: givenPorts(values),
  });
  process.stdout.write(`; DNS records to publish for ${domain} (mail host ${mailHost})\n`);
  process.stdout.write(formatZone(records));
  return 0;
}

async function smarthostCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      tls: { type: 'string' },
      'allow-plaintext': { type: 'boolean' },
      user: { type: 'string' },
      password: { type: 'string' },
      ca: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [sub, target, ...rest] = positionals;
  const dataDir = dataDirOf(values.data);
  if (rest.length) throw Object.assign(new Error(`Unexpected arguments: ${rest.join(' ')}`), { usage: true });
  switch (sub) {
    case 'set': {
      if (!target) throw Object.assign(new Error('smarthost set needs HOST:PORT'), { usage: true });
      const { host, port } = hostPort('smarthost', target);
      const setting: SmarthostSetting = { host, port, tls: tlsMode('tls', values.tls) };
      if (values['allow-plaintext']) setting.allowPlaintext = true;
      if (values.ca) setting.caFile = values.ca;
      if (values.user) {
        setting.user = values.user;
        setting.password = values.password ?? (await readSecretFromStdin('Smarthost password'));
      }
      await writeSmarthostSetting(dataDir, setting);
      process.stdout.write(
        `smarthost ${host}:${port} (${setting.tls})${setting.user ? ` as ${setting.user}` : ''} stored; used by the next \`hearth serve\`\n`,
      );
      if (setting.tls === 'none') process.stderr.write('hearth: warning: without TLS the login and the mail cross the network unencrypted\n');
      return 0;
    }
    case 'show': {
      const s = readSmarthostSummary(dataDir);
      process.stdout.write(
        `smarthost ${s.host}:${s.port} tls ${s.tls}${s.user ? ` user ${s.user} password ${s.hasPassword ? '(stored, sealed)' : '(none)'}` : ''}${s.caFile ? ` ca ${s.caFile}` : ''}\n`,
      );
      return 0;
    }
    case 'clear':
      process.stdout.write(clearSmarthostSetting(dataDir) ? "smarthost cleared: mail goes to each domain's MX\n" : 'no smarthost was set\n');
      return 0;
    default:
      throw Object.assign(new Error('smarthost set HOST:PORT [...] | smarthost show | smarthost clear'), { usage: true });
  }
}

function usageWrapped(fn: (argv: string[]) => Promise<number>): (argv: string[]) => Promise<number> {
  return async (argv) => {
    try {
      return await fn(argv);
    } catch (e) {
      if (isUsageError(e)) {
        process.stderr.write(`hearth: ${(e as Error).message}\n\n${relayCommandsUsage}`);
        return 2;
      }
      throw e;
    }
  };
}

/** Subcommands the relay adds to `hearth` (see cli-usage.ts for their help text). */
export const relayCliCommands: Record<(typeof RELAY_COMMANDS)[number], (argv: string[]) => Promise<number>> = {
  queue: usageWrapped(queueCommand),
  dns: usageWrapped(dnsCommand),
  smarthost: usageWrapped(smarthostCommand),
};
