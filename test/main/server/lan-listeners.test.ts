// The household server on the LAN: listening on an address other machines reach, every listener
// says so, and no password is accepted in the clear from another machine — IMAP LOGIN and
// AUTHENTICATE (LOGINDISABLED, NO [PRIVACYREQUIRED]), POP3 USER/PASS and AUTH, SMTP AUTH on
// submission and port 25 — until STARTTLS/STLS, or on the implicit-TLS ports. Checked with
// Python's imaplib, poplib and smtplib connecting to this machine's own non-loopback address (the
// packets never leave the machine). From loopback, plain logins stay allowed (the protocol tests).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunningHouseholdServer } from '../../../src/main/server/household-server.ts';
import { startFamilyServer } from '../../support/household.ts';

const run = promisify(execFile);

/** This machine's own IPv4 address on a non-loopback interface, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

const PY = String.raw`
import imaplib, poplib, smtplib, ssl, sys, json
host, ca, imap, imaps, pop3, pop3s, sub, subs, mx = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:10])
ctx = ssl.create_default_context(cafile=ca)
out = {}
def attempt(name, f):
    try:
        out[name] = 'ok: ' + str(f())
    except Exception as e:
        out[name] = 'refused: ' + type(e).__name__ + ': ' + str(e)

def imap_plain():
    c = imaplib.IMAP4(host, imap)
    out['imap caps'] = ' '.join(c.capabilities)
    attempt('imap LOGIN before STARTTLS', lambda: c.login('ann@family.test', 'ann-secret'))
    attempt('imap AUTHENTICATE before STARTTLS', lambda: c.authenticate('PLAIN', lambda _: b'\0ann@family.test\0ann-secret'))
    c.starttls(ctx)
    out['imap caps after STARTTLS'] = ' '.join(c.capabilities)
    attempt('imap LOGIN after STARTTLS', lambda: c.login('ann@family.test', 'ann-secret')[0])
    c.logout()
imap_plain()
def imap_tls():
    c = imaplib.IMAP4_SSL(host, imaps, ssl_context=ctx)
    r = c.login('ann@family.test', 'ann-secret')[0]
    c.logout()
    return r
attempt('imaps LOGIN', imap_tls)

p = poplib.POP3(host, pop3)
attempt('pop3 USER/PASS before STLS', lambda: (p.user('ann@family.test'), p.pass_('ann-secret')))
p.stls(ctx)
attempt('pop3 USER/PASS after STLS', lambda: (p.user('ann@family.test'), p.pass_('ann-secret'))[1])
p.quit()
def pop3_tls():
    q = poplib.POP3_SSL(host, pop3s, context=ctx)
    q.user('ann@family.test')
    r = q.pass_('ann-secret')
    q.quit()
    return r
attempt('pop3s USER/PASS', pop3_tls)

for name, port in (('submission', sub), ('smtp', mx)):
    s = smtplib.SMTP(host, port)
    s.ehlo('client.test')
    # AUTH PLAIN with the password, as a careless client would send it
    code, msg = s.docmd('AUTH', 'PLAIN AGFubkBmYW1pbHkudGVzdABhbm4tc2VjcmV0')
    out[name + ' AUTH before STARTTLS'] = '%d %s' % (code, msg.decode())
    s.starttls(context=ctx)
    s.ehlo('client.test')
    attempt(name + ' AUTH after STARTTLS', lambda: s.login('ann@family.test', 'ann-secret')[0])
    s.quit()
def subs_tls():
    s = smtplib.SMTP_SSL(host, subs, context=ctx)
    r = s.login('ann@family.test', 'ann-secret')[0]
    s.quit()
    return r
attempt('submissions AUTH', subs_tls)
print(json.dumps(out))
`;

let server: RunningHouseholdServer;
beforeAll(async () => {
  if (lanAddress) server = await startFamilyServer({ users: [{ address: 'ann@family.test', password: 'ann-secret' }], host: lanAddress });
});
afterAll(() => server?.close());

describe.skipIf(!lanAddress)('listeners on the LAN', () => {
  it('say they answer from outside this computer', () => {
    expect(server.listeners.map((l) => [l.name, l.host, l.reachableFromOutside])).toEqual(
      ['smtp', 'imap', 'imaps', 'pop3', 'pop3s', 'submission', 'submissions', 'https'].map((n) => [n, lanAddress, true]),
    );
  });

  it('refuse passwords in the clear from another machine, and take them over TLS (imaplib, poplib, smtplib)', async () => {
    const port = (n: string) => String(server.listeners.find((l) => l.name === n)!.port);
    const ca = path.join(server.dataDir, 'tls', 'cert.pem');
    const { stdout } = await run('python3', ['-c', PY, lanAddress!, ca, ...['imap', 'imaps', 'pop3', 'pop3s', 'submission', 'submissions', 'smtp'].map(port)]);
    const r = JSON.parse(stdout) as Record<string, string | boolean>;
    expect(r['imap caps']).toContain('LOGINDISABLED');
    expect(r['imap caps']).not.toContain('AUTH=PLAIN');
    expect(r['imap LOGIN before STARTTLS']).toMatch(/^refused: error: .*PRIVACYREQUIRED/);
    expect(r['imap AUTHENTICATE before STARTTLS']).toMatch(/^refused: error: .*PRIVACYREQUIRED/);
    expect(r['imap caps after STARTTLS']).toContain('AUTH=PLAIN');
    expect(r['imap caps after STARTTLS']).not.toContain('LOGINDISABLED');
    expect(r['imap LOGIN after STARTTLS']).toBe('ok: OK');
    expect(r['imaps LOGIN']).toBe('ok: OK');
    expect(r['pop3 USER/PASS before STLS']).toMatch(/^refused: error_proto: b'-ERR Use STLS first/);
    expect(r['pop3 USER/PASS after STLS']).toMatch(/^ok: b'\+OK/);
    expect(r['pop3s USER/PASS']).toMatch(/^ok: b'\+OK/);
    for (const name of ['submission', 'smtp']) {
      // smtp-server lists AUTH in EHLO before STARTTLS, but refuses the command itself (RFC 3207 5)
      expect(r[`${name} AUTH before STARTTLS`]).toMatch(/^538 /);
      expect(r[`${name} AUTH after STARTTLS`]).toBe('ok: 235');
    }
    expect(r['submissions AUTH']).toBe('ok: 235');
  });
});
