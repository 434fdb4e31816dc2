// DKIM signatures made at submission verify with mailauth and with Debian's python3-dkim
// (dkim.verify with a dnsfunc serving our TXT record: no DNS query leaves the machine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { Relay } from '../../../../src/main/server/relay/relay.ts';
import { dkimKeyPath, dkimTxtValue, formatZone, loadOrCreateDkimKey, recordsToPublish } from '../../../../src/main/server/relay/dkim.ts';
import { startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { FakeResolver, ManualClock } from '../../../support/relay-doubles.ts';
import { corpusMessage } from '../../../support/corpus.ts';
import { tempDir } from '../../../support/temp-dir.ts';

let peer: SmtpPeer;
beforeAll(() => {
  peer = startOwnSmtpPeer('dkim', 'accept', 10045);
});
afterAll(() => peer?.stop());

function pythonDkimVerify(message: Buffer, txtName: string, txtValue: string): string {
  const script = String.raw`
import sys, dkim
name, value = sys.argv[1].encode(), sys.argv[2].encode()
def dnsfunc(n, timeout=5):
    return value if n.rstrip(b".") == name else None
msg = sys.stdin.buffer.read()
print("PASS" if dkim.verify(msg, dnsfunc=dnsfunc) else "FAIL")
`;
  return execFileSync('/usr/bin/python3', ['-c', script, txtName, txtValue], { input: message }).toString().trim();
}

describe('DKIM', () => {
  it('generates the key once, private (0600), and prints the records to publish', async () => {
    const dir = tempDir('dkim');
    const k1 = await loadOrCreateDkimKey(dir, 'Home.Test');
    const k2 = await loadOrCreateDkimKey(dir, 'home.test');
    expect(k2.privateKeyPem).toBe(k1.privateKeyPem);
    expect(statSync(dkimKeyPath(dir, 'home.test')).mode & 0o777).toBe(0o600);
    const zone = formatZone(recordsToPublish(k1, 'mail.home.test'));
    expect(zone).toContain('home.test.\tIN\tMX\t10 mail.home.test.');
    expect(zone).toContain('home.test.\tIN\tTXT\t"v=spf1 mx -all"');
    expect(zone).toMatch(/hearth\._domainkey\.home\.test\.\tIN\tTXT\t"v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+" "[A-Za-z0-9+/=]+"/);
    expect(zone).toContain('_dmarc.home.test.\tIN\tTXT\t"v=DMARC1; p=quarantine');
  });

  it('signs relayed mail so that mailauth and python3-dkim both verify it', async () => {
    const dir = tempDir('dkim');
    const key = await loadOrCreateDkimKey(dir, 'home.test');
    const dns = new FakeResolver();
    dns.addDomain('far.test');
    const txtName = `hearth._domainkey.home.test`;
    dns.txt.set(txtName, [[dkimTxtValue(key)]]);
    const clock = new ManualClock(Date.now());
    const relay = new Relay({
      dataDir: dir,
      hostname: 'mail.home.test',
      clock,
      resolver: dns,
      portOverrides: { 'mx.far.test': peer.port },
      dkim: key,
      autoRun: false,
    });
    await relay.start();
    const body = Buffer.from(
      'From: Alice <alice@home.test>\r\nTo: Far <x@far.test>\r\nSubject:  Spaces   and\r\n\tfolding \r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nline one  \r\n\r\n\r\n',
    );
    await relay.submit({
      from: 'alice@home.test',
      recipients: ['x@far.test'],
      body,
      trace: { authUser: 'alice@home.test', clientAddress: '127.0.0.1', helo: 'pc' },
    });
    // a real multi-part message from the corpus, with its From rewritten to the household domain
    const real = Buffer.from(
      corpusMessage('legacy-000.eml')
        .toString('latin1')
        .replace(/^From: .*$/m, 'From: "Alice" <alice@home.test>'),
      'latin1',
    );
    await relay.submit({ from: 'alice@home.test', recipients: ['y@far.test'], body: real });
    // not our domain in From: no signature
    await relay.submit({ from: 'alice@home.test', recipients: ['z@far.test'], body: corpusMessage('legacy-001.eml') });
    await relay.runDue();
    const got = peer.received();
    expect(got).toHaveLength(3);
    const resolver = async (name: string, type: string) => {
      if (type === 'TXT') return dns.resolveTxt(name);
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    for (const rcpt of ['x@far.test', 'y@far.test']) {
      const eml = got.find((g) => g.env.to.includes(rcpt))!.eml;
      expect(eml.toString()).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=home\.test;/);
      const result = await dkimVerify(eml, { resolver: resolver as never });
      expect(result.results.map((r) => r.status.result)).toEqual(['pass']);
      expect(pythonDkimVerify(eml, txtName, dkimTxtValue(key))).toBe('PASS');
      // a changed body fails (so the checks above can fail)
      const tampered = Buffer.from(eml.toString('latin1').replace(/\r\n\r\n/, '\r\n\r\nX'), 'latin1');
      // mailauth reports a body hash mismatch as 'neutral' (RFC 6376 6.1.3 leaves it to the verifier)
      expect((await dkimVerify(tampered, { resolver: resolver as never })).results[0]!.status.result).not.toBe('pass');
      expect(pythonDkimVerify(tampered, txtName, dkimTxtValue(key))).toBe('FAIL');
    }
    const unsigned = got.find((g) => g.env.to.includes('z@far.test'))!.eml.toString();
    expect(unsigned).not.toContain('DKIM-Signature');
    await relay.stop();
  });
});
