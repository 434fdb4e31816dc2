// The household server's HTTPS listener, as devices use it: Thunderbird's autoconfig file (checked
// with Hearth's own client parser and against the ISPDB's files), Outlook's POX autodiscover, an
// Apple .mobileconfig (parsed as a plist, every key checked), and the MTA-STS policy; and how it
// refuses what it should. Requests carry the real host names (SNI, Host) and go to loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { RunningHouseholdServer } from '../../../../src/main/server/household-server.ts';
import { parseConfigXml } from '../../../../src/main/client/autoconfig/config-xml.ts';
import { mtaStsId } from '../../../../src/main/server/autoconfig/mta-sts.ts';
import { autoconfigHttpLimits } from '../../../../src/main/base/limits.ts';
import { startFamilyServer } from '../../../support/household.ts';
import { httpsRequest } from '../../../support/https-loopback.ts';
import { parsePlist, type PlistValue } from '../../../support/plist.ts';

const run = promisify(execFile);
const ISPDB = path.resolve(import.meta.dirname, '../../../../../shared/ispdb');

let server: RunningHouseholdServer;
let get: (url: string, init?: Parameters<typeof httpsRequest>[2]) => ReturnType<typeof httpsRequest>;
const port = (name: string) => server.listeners.find((l) => l.name === name)!.port;

beforeAll(async () => {
  server = await startFamilyServer({
    users: [
      { address: 'ann@family.test', password: 'ann-secret', name: 'Ann Example' },
      { address: 'bo@family.test', password: 'bo-secret' },
    ],
  });
  get = (url, init) => httpsRequest(url, { ca: server.tls.cert, ports: { 443: port('https') } }, init);
});
afterAll(() => server?.close());

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => ['domain', 'incomingServer', 'outgoingServer'].includes(n) });

describe('Thunderbird autoconfig', () => {
  it('serves config-v1.1.xml on autoconfig.<domain> and <domain>/.well-known, with the real host, ports and socket types', async () => {
    const a = await get('https://autoconfig.family.test/mail/config-v1.1.xml?emailaddress=ann%40family.test');
    const b = await get('https://family.test/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=ann%40family.test');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(b.body).toBe(a.body);
    // Hearth's own client-side parser reads it
    const c = parseConfigXml(a.body);
    expect(c.domains).toEqual(['family.test']);
    expect(c.incoming.map((s) => [s.protocol, s.host, s.port, s.tls, s.username])).toEqual([
      ['imap', 'mail.family.test', port('imaps'), 'tls', '%EMAILADDRESS%'],
      ['imap', 'mail.family.test', port('imap'), 'starttls', '%EMAILADDRESS%'],
      ['pop3', 'mail.family.test', port('pop3s'), 'tls', '%EMAILADDRESS%'],
      ['pop3', 'mail.family.test', port('pop3'), 'starttls', '%EMAILADDRESS%'],
    ]);
    expect(c.outgoing.map((s) => [s.protocol, s.host, s.port, s.tls])).toEqual([
      ['smtp', 'mail.family.test', port('submissions'), 'tls'],
      ['smtp', 'mail.family.test', port('submission'), 'starttls'],
    ]);
    // inbound SMTP (the MX port) and HTTPS are not for mail programs
    expect(a.body).not.toContain(`<port>${port('smtp')}</port>`);
  });

  it('has the structure of the ISPDB files: the same elements, attributes and values, nothing of its own', async () => {
    const ours = xml.parse((await get('https://autoconfig.family.test/mail/config-v1.1.xml')).body);
    // The vocabulary of every ISPDB file: element paths, attribute names, and the values of the enumerated fields.
    const paths = new Set<string>();
    const values = new Map<string, Set<string>>();
    const walk = (node: unknown, at: string, into: Set<string>, vals?: Map<string, Set<string>>) => {
      if (node === null || typeof node !== 'object') {
        if (vals && /(socketType|authentication|@type|@version)$/.test(at)) vals.set(at, (vals.get(at) ?? new Set()).add(String(node)));
        return;
      }
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        const p = Array.isArray(node) ? at : `${at}/${k}`;
        into.add(p);
        walk(v, p, into, vals);
      }
    };
    const files = readdirSync(ISPDB).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) walk(xml.parse(readFileSync(path.join(ISPDB, f), 'utf8')), '', paths, values);
    const ourPaths = new Set<string>();
    const ourValues = new Map<string, Set<string>>();
    walk(ours, '', ourPaths, ourValues);
    expect([...ourPaths].filter((p) => !paths.has(p))).toEqual([]);
    for (const [p, vs] of ourValues) for (const v of vs) expect(values.get(p), `${p} = ${v}`).toContain(v);
    // and the same shape as a provider offering the same services (posteo.de: IMAP/POP3 SSL+STARTTLS, SMTP 465/587)
    const posteo = xml.parse(readFileSync(path.join(ISPDB, 'posteo.de.xml'), 'utf8'));
    type Entry = Record<string, unknown>;
    type ConfigDoc = { clientConfig: { '@version': string; emailProvider: Entry & { incomingServer: Entry[]; outgoingServer: Entry[] } } };
    const shape = (doc: ConfigDoc) => {
      const p = doc.clientConfig.emailProvider;
      return {
        version: doc.clientConfig['@version'],
        keys: Object.keys(p).filter((k) => k !== 'documentation'),
        incoming: p.incomingServer.map((s) => [s['@type'], s.socketType, s.username, s.authentication, Object.keys(s)]),
        outgoing: p.outgoingServer.map((s) => [s['@type'], s.socketType, s.username, s.authentication, Object.keys(s)]),
      };
    };
    expect(shape(ours as ConfigDoc)).toEqual(shape(posteo as ConfigDoc));
  });

  it('answers 404 for an address of another domain, 400 for a malformed one, 405 for POST', async () => {
    const foreign = await get('https://autoconfig.family.test/mail/config-v1.1.xml?emailaddress=x%40elsewhere.example');
    expect([foreign.status, foreign.body]).toEqual([404, 'Not a domain of this server\n']);
    expect((await get('https://autoconfig.family.test/mail/config-v1.1.xml?emailaddress=nobody')).status).toBe(400);
    const post = await get('https://autoconfig.family.test/mail/config-v1.1.xml', { method: 'POST', body: 'x' });
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('is what curl gets too, verifying the certificate for autoconfig.<domain>', async () => {
    const ca = path.join(server.dataDir, 'tls', 'cert.pem');
    const { stdout } = await run('curl', [
      '--silent',
      '--show-error',
      '--fail',
      '--cacert',
      ca,
      '--resolve',
      `autoconfig.family.test:${port('https')}:127.0.0.1`,
      `https://autoconfig.family.test:${port('https')}/mail/config-v1.1.xml?emailaddress=bo@family.test`,
    ]);
    expect(parseConfigXml(stdout).incoming[0]).toMatchObject({ host: 'mail.family.test', port: port('imaps'), tls: 'tls' });
  });
});

const POX = (email: string, schema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a') =>
  `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${email}</EMailAddress>
    <AcceptableResponseSchema>${schema}</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;

interface PoxResponse {
  '@xmlns': string;
  Response: {
    '@xmlns'?: string;
    User?: { DisplayName: string };
    Account: { AccountType: string; Action: string; Protocol: Array<Record<string, unknown>> };
    Error?: Record<string, unknown>;
  };
}

describe('Microsoft autodiscover (POX)', () => {
  const parse = (body: string) =>
    (new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => n === 'Protocol' }).parse(body) as { Autodiscover: PoxResponse })
      .Autodiscover;

  it('answers an Outlook request with one IMAP, POP3 and SMTP protocol each, the best listener of each', async () => {
    const r = await get('https://autodiscover.family.test/Autodiscover/Autodiscover.xml', {
      method: 'POST',
      body: POX('Ann@Family.test'),
      headers: { 'content-type': 'text/xml' },
    });
    expect(r.status).toBe(200);
    const d = parse(r.body);
    expect(d['@xmlns']).toBe('http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006');
    const response = d.Response;
    expect(response['@xmlns']).toBe('http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a');
    expect(response.User?.DisplayName).toBe('Ann Example');
    expect(response.Account.AccountType).toBe('email');
    expect(response.Account.Action).toBe('settings');
    const protocols = response.Account.Protocol.map((p) => [p.Type, p.Server, p.Port, p.LoginName, p.SSL, p.Encryption, p.SPA, p.AuthRequired]);
    expect(protocols).toEqual([
      ['IMAP', 'mail.family.test', port('imaps'), 'ann@family.test', 'on', 'SSL', 'off', 'on'],
      ['POP3', 'mail.family.test', port('pop3s'), 'ann@family.test', 'on', 'SSL', 'off', 'on'],
      ['SMTP', 'mail.family.test', port('submissions'), 'ann@family.test', 'on', 'SSL', 'off', 'on'],
    ]);
  });

  it('answers GET ?emailaddress= the same way', async () => {
    const r = await get('https://autodiscover.family.test/autodiscover/autodiscover.xml?emailaddress=bo%40family.test');
    expect(r.status).toBe(200);
    expect(parse(r.body).Response.Account.Protocol[0]).toMatchObject({ Type: 'IMAP', LoginName: 'bo@family.test' });
    expect(parse(r.body).Response.User).toBeUndefined();
  });

  it('refuses malformed, oversized, DOCTYPE and wrong-schema requests with 400/413, and a foreign address with error 600', async () => {
    const post = (body: string) => get('https://autodiscover.family.test/autodiscover/autodiscover.xml', { method: 'POST', body });
    const malformed = await post('<Autodiscover><Request><EMailAddress>ann@family.test</Request>');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatch(/^The request is not well-formed XML/);
    expect((await post('<Autodiscover><Request/></Autodiscover>')).status).toBe(400);
    expect((await post(POX('ann@family.test', 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'))).status).toBe(400);
    const xxe = await post(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>${POX('&x;')}`);
    expect(xxe.status).toBe(400);
    const huge = await post(POX('ann@family.test') + ' '.repeat(autoconfigHttpLimits.maxBodyBytes));
    expect([huge.status, huge.body]).toEqual([413, `Request body larger than ${autoconfigHttpLimits.maxBodyBytes} bytes\n`]);
    const foreign = parse((await post(POX('x@elsewhere.example'))).body);
    expect(foreign.Response.Error).toMatchObject({ ErrorCode: 600, Message: 'Invalid Request' });
    expect((await get('https://autodiscover.family.test/autodiscover/autodiscover.xml', { method: 'PUT', body: 'x' })).status).toBe(405);
    // and the server answers the next request as before
    expect((await post(POX('ann@family.test'))).status).toBe(200);
  });
});

describe('Apple configuration profile', () => {
  const url = (email: string, extra = '') => `https://mail.family.test/mail.mobileconfig?emailaddress=${encodeURIComponent(email)}${extra}`;
  const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });

  it('is a plist with a com.apple.mail.managed payload for the user, every key as Apple documents it, and no password', async () => {
    const r = await get(url('ann@family.test'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-apple-aspen-config');
    expect(r.headers['content-disposition']).toBe('attachment; filename="ann@family.test.mobileconfig"');
    const profile = parsePlist(r.body) as Record<string, PlistValue>;
    const [mail, cert] = profile.PayloadContent as Array<Record<string, PlistValue>>;
    const uuid = /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;
    expect(mail).toEqual({
      EmailAccountDescription: 'ann@family.test',
      EmailAccountName: 'Ann Example',
      EmailAccountType: 'EmailTypeIMAP',
      EmailAddress: 'ann@family.test',
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      IncomingMailServerHostName: 'mail.family.test',
      IncomingMailServerPortNumber: port('imaps'),
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: 'ann@family.test',
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: 'mail.family.test',
      OutgoingMailServerPortNumber: port('submissions'),
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: 'ann@family.test',
      OutgoingPasswordSameAsIncomingPassword: true,
      PayloadDescription: 'Mail account ann@family.test on mail.family.test',
      PayloadDisplayName: 'Mail (ann@family.test)',
      PayloadIdentifier: expect.stringMatching(/^test\.family\.mail\.hearth\.mail\./),
      PayloadType: 'com.apple.mail.managed',
      PayloadUUID: expect.stringMatching(uuid),
      PayloadVersion: 1,
      PreventAppSheet: false,
      PreventMove: false,
      SMIMEEnabled: false,
    });
    // the self-signed certificate, for the device to trust
    expect(cert).toMatchObject({ PayloadType: 'com.apple.security.root', PayloadVersion: 1, PayloadUUID: expect.stringMatching(uuid) });
    expect((cert!.PayloadContent as Buffer).equals(new X509Certificate(server.tls.cert).raw)).toBe(true);
    expect(profile).toMatchObject({
      PayloadType: 'Configuration',
      PayloadVersion: 1,
      PayloadDisplayName: 'Mail for ann@family.test',
      PayloadRemovalDisallowed: false,
      PayloadUUID: expect.stringMatching(uuid),
      PayloadIdentifier: expect.stringMatching(/^test\.family\.mail\.hearth\.profile\./),
    });
    expect(r.body).not.toContain('Password</key>\n  <string>');
    expect(Object.keys(mail!).some((k) => /^(Incoming|Outgoing)Password$/.test(k))).toBe(false);
  });

  it('has PayloadUUIDs unique within the profile, stable for the user, different for another user', async () => {
    const uuids = (body: string) => {
      const p = parsePlist(body) as Record<string, PlistValue>;
      return [p.PayloadUUID, ...(p.PayloadContent as Array<Record<string, PlistValue>>).map((x) => x.PayloadUUID)] as string[];
    };
    const ann1 = uuids((await get(url('ann@family.test'))).body);
    const ann2 = uuids((await get(url('ANN@family.test'))).body);
    const bo = uuids((await get(url('bo@family.test'))).body);
    expect(new Set(ann1).size).toBe(ann1.length);
    expect(ann2).toEqual(ann1);
    expect(bo.filter((u) => ann1.includes(u))).toEqual([]);
  });

  it('includes the password only when asked, and only with that user’s own login', async () => {
    const none = await get(url('ann@family.test', '&password=include'));
    expect([none.status, none.headers['www-authenticate']]).toEqual([401, 'Basic realm="Hearth", charset="UTF-8"']);
    expect((await get(url('ann@family.test', '&password=include'), { headers: basic('ann@family.test', 'wrong') })).status).toBe(401);
    expect((await get(url('ann@family.test', '&password=include'), { headers: basic('bo@family.test', 'bo-secret') })).status).toBe(401);
    const ok = await get(url('ann@family.test', '&password=include'), { headers: basic('ann@family.test', 'ann-secret') });
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const mail = ((parsePlist(ok.body) as Record<string, PlistValue>).PayloadContent as Array<Record<string, PlistValue>>)[0]!;
    expect([mail.IncomingPassword, mail.OutgoingPassword]).toEqual(['ann-secret', 'ann-secret']);
  });

  it('answers 404 for another domain and 400 without an address', async () => {
    expect((await get(url('x@elsewhere.example'))).status).toBe(404);
    expect((await get('https://mail.family.test/mail.mobileconfig')).status).toBe(400);
  });
});

describe('MTA-STS policy', () => {
  it('is served on mta-sts.<domain> as RFC 8461 asks, "testing" while the certificate is self-signed', async () => {
    const r = await get('https://mta-sts.family.test/.well-known/mta-sts.txt');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.body).toBe(`version: STSv1\r\nmode: testing\r\nmx: mail.family.test\r\nmax_age: ${autoconfigHttpLimits.mtaStsMaxAgeSeconds}\r\n`);
    expect(mtaStsId(server.mtaStsPolicy())).toMatch(/^[0-9a-f]{32}$/);
    expect((await get('https://mail.family.test/.well-known/mta-sts.txt')).status).toBe(404);
    expect((await get('https://mail.family.test/.well-known/mta-sts.txt', { headers: { host: 'mta-sts.elsewhere.example' } })).status).toBe(404);
  });

  it('answers unknown paths 404, and a request that is not HTTP with 400', async () => {
    expect((await get('https://mail.family.test/')).status).toBe(404);
    expect((await get('https://mail.family.test/.well-known/autoconfig/other.xml')).status).toBe(404);
    const long = await get(`https://mail.family.test/${'a'.repeat(autoconfigHttpLimits.maxUrlLength)}`);
    expect(long.status).toBe(414);
    const raw = (bytes: string) =>
      new Promise<string>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port: port('https'), servername: 'mail.family.test', ca: server.tls.cert }, () => s.end(bytes));
        let out = '';
        s.setEncoding('utf8').on('data', (d: string) => (out += d));
        s.on('end', () => resolve(out)).on('error', reject);
      });
    expect(await raw('HELLO THERE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(autoconfigHttpLimits.maxHeaderBytes)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
    expect((await get('https://mail.family.test/mail/config-v1.1.xml')).status).toBe(200);
  });
});

describe('TLS-ALPN-01 on the same port', () => {
  /** openssl s_client's view of a handshake offering only `alpn` for `servername` (asynchronously: the server runs in this process). */
  const sClient = (servername: string, alpn: string) =>
    new Promise<string>((resolve) => {
      const child = execFile(
        'openssl',
        ['s_client', '-connect', `127.0.0.1:${port('https')}`, '-servername', servername, '-alpn', alpn],
        { timeout: 15_000 },
        (_err, stdout, stderr) => resolve(`${stdout}${stderr}`),
      );
      child.stdin!.end();
    });
  const certOf = (out: string) => /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out)?.[0];

  it('answers acme-tls/1 for a pending challenge with its certificate (openssl s_client), while HTTPS keeps serving autoconfig', async () => {
    const challenge = { domain: 'family.test', token: 'tok', keyAuthorization: 'tok.thumbprint' };
    await server.acmeChallenges.add(challenge);
    try {
      const out = await sClient('family.test', 'acme-tls/1');
      expect(out).toContain('ALPN protocol: acme-tls/1');
      const pem = certOf(out)!;
      const x = new X509Certificate(pem);
      expect(x.subjectAltName).toBe('DNS:family.test');
      expect(x.fingerprint256).not.toBe(new X509Certificate(server.tls.cert).fingerprint256);
      // RFC 8737 3: the critical acmeIdentifier extension holds SHA-256 of the key authorization.
      const text = await new Promise<string>((resolve, reject) => {
        const child = execFile('openssl', ['x509', '-noout', '-text'], (err, stdout) => (err ? reject(err) : resolve(stdout)));
        child.stdin!.end(pem);
      });
      expect(text).toMatch(/1\.3\.6\.1\.5\.5\.7\.1\.31: critical/);

      // The same port, meanwhile: HTTPS with the server's own certificate.
      const a = await get('https://autoconfig.family.test/mail/config-v1.1.xml');
      expect(a.status).toBe(200);
      expect(a.body).toContain('<clientConfig');
      const plain = await sClient('family.test', 'http/1.1');
      expect(plain).toContain('ALPN protocol: http/1.1');
      expect(new X509Certificate(certOf(plain)!).fingerprint256).toBe(new X509Certificate(server.tls.cert).fingerprint256);
      // acme-tls/1 for a name without a pending challenge has no protocol in common.
      expect(await sClient('autoconfig.family.test', 'acme-tls/1')).toMatch(/no application protocol/);
    } finally {
      await server.acmeChallenges.remove(challenge);
    }
    expect(await sClient('family.test', 'acme-tls/1')).toMatch(/no application protocol/);
  });
});
