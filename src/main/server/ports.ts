// The household server's listeners by name, with their default ports and TLS mode. A module of
// its own so `hearth help` (cli.ts) can show the ports without loading the listeners.

export type ListenerName = 'smtp' | 'imap' | 'imaps' | 'pop3' | 'pop3s' | 'submission' | 'submissions' | 'https';

/** Default ports: non-privileged, loopback. (A real MX uses STANDARD_PORTS.) */
export const DEFAULT_PORTS: Record<ListenerName, number> = {
  smtp: 2525,
  imap: 1143,
  imaps: 1993,
  pop3: 1110,
  pop3s: 1995,
  submission: 1587,
  submissions: 1465,
  https: 1443,
};

/**
 * The ports devices and other mail servers expect (`hearth serve --standard-ports`): SMTP 25
 * (RFC 5321), IMAP 143 / IMAPS 993, POP3 110 / POP3S 995 (RFC 8314), submission 587 (RFC 6409),
 * submissions 465 (RFC 8314), HTTPS 443 for autoconfig, autodiscover and MTA-STS. All below 1024:
 * binding them needs root or CAP_NET_BIND_SERVICE (resources/hearth.service grants only that).
 */
export const STANDARD_PORTS: Record<ListenerName, number> = {
  smtp: 25,
  imap: 143,
  imaps: 993,
  pop3: 110,
  pop3s: 995,
  submission: 587,
  submissions: 465,
  https: 443,
};

/** true = TLS from the first byte (RFC 8314); false = plain with STARTTLS/STLS. */
export const IMPLICIT_TLS: Record<ListenerName, boolean> = {
  smtp: false,
  imap: false,
  imaps: true,
  pop3: false,
  pop3s: true,
  submission: false,
  submissions: true,
  https: true,
};

export const LISTENER_NAMES = Object.keys(DEFAULT_PORTS) as ListenerName[];

/**
 * The port of each listener for `serve`: what was given per listener wins (a number, or null for
 * "not started"); the rest come from STANDARD_PORTS with `standard`, else DEFAULT_PORTS.
 */
export function portPlan(given: Partial<Record<ListenerName, number | null>>, standard: boolean): Record<ListenerName, number | null> {
  const base = standard ? STANDARD_PORTS : DEFAULT_PORTS;
  return Object.fromEntries(LISTENER_NAMES.map((n) => [n, given[n] === undefined ? base[n] : given[n]])) as Record<ListenerName, number | null>;
}

/** A `--NAME-port` value: a port number, 0 for any free port, "off" for not started; undefined when not given. */
export function parsePortOption(name: string, v: string | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  if (v === 'off' || v === 'none' || v === '-') return null;
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw Object.assign(new Error(`--${name}-port: not a port number: ${v}`), { usage: true });
  return Number(v);
}

/** parseArgs options --NAME-port for every listener. */
export const portOptions = Object.fromEntries(LISTENER_NAMES.map((k) => [`${k}-port`, { type: 'string' as const }]));

/** The listener ports asked for with --NAME-port in parsed options. */
export function givenPorts(values: Record<string, unknown>): Partial<Record<ListenerName, number | null>> {
  const given: Partial<Record<ListenerName, number | null>> = {};
  for (const k of LISTENER_NAMES) {
    const p = parsePortOption(k, values[`${k}-port`] as string | undefined);
    if (p !== undefined) given[k] = p;
  }
  return given;
}
