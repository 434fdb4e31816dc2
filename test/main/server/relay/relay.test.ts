// The relay against real SMTP peers (aiosmtpd in accept, tempfail, reject and flaky modes) that
// stand in for remote domains through a fake resolver, with an injected clock for the retries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { Relay } from '../../../../src/main/server/relay/relay.ts';
import type { RelayOptions } from '../../../../src/main/server/relay/relay.ts';
import { startOwnSmtpPeer, type SmtpPeer } from '../../../support/peers.ts';
import { FakeResolver, FolderMailboxes, ManualClock } from '../../../support/relay-doubles.ts';
import { parseDsnWithPython } from '../../../support/python-dsn.ts';
import { corpusMessage } from '../../../support/corpus.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { waitFor } from '../../../support/wait.ts';

const HOUR = 3_600_000;
let accept: SmtpPeer, tempfail: SmtpPeer, reject: SmtpPeer, flaky: SmtpPeer, mixed: SmtpPeer, slow: SmtpPeer;
const dns = new FakeResolver();
const ports: Record<string, number> = {};

beforeAll(() => {
  accept = startOwnSmtpPeer('accept', 'accept', 10040);
  tempfail = startOwnSmtpPeer('tempfail', 'tempfail', 10041, ['--fail-at', 'rcpt']);
  reject = startOwnSmtpPeer('reject', 'reject', 10042, ['--fail-at', 'data']);
  flaky = startOwnSmtpPeer('flaky', 'flaky', 10043, ['--flaky-n', '2']);
  mixed = startOwnSmtpPeer('mixed', 'accept', 10044, ['--reject-rcpt', '^nobody@']);
  slow = startOwnSmtpPeer('slow', 'accept', 10054, ['--delay', '4']);
  for (const [domain, peer] of [
    ['accept.test', accept],
    ['tempfail.test', tempfail],
    ['reject.test', reject],
    ['flaky.test', flaky],
    ['mixed.test', mixed],
    ['slow.test', slow],
  ] as const) {
    dns.addDomain(domain);
    ports[`mx.${domain}`] = peer.port;
  }
  dns.addDomain('down.test');
  ports['mx.down.test'] = 10058; // nothing listens there
  dns.mx.set('nullmx.test', [{ exchange: '', priority: 0 }]);
});

afterAll(() => {
  for (const p of [accept, tempfail, reject, flaky, mixed, slow]) p?.stop();
});

function makeRelay(extra: Partial<RelayOptions> = {}) {
  const dir = tempDir('relay');
  const clock = new ManualClock();
  const mailboxes = new FolderMailboxes(`${dir}/mailboxes`, ['home.test'], ['alice@home.test', 'bob@home.test']);
  const relay = new Relay({
    dataDir: dir,
    hostname: 'mail.home.test',
    postmasterDomain: 'home.test',
    clock,
    resolver: dns,
    portOverrides: ports,
    local: mailboxes,
    autoRun: false,
    ...extra,
  });
  return { relay, clock, mailboxes, dir };
}

/** Runs delivery rounds until nothing is due at the current (fake) time. */
async function drain(relay: Relay, clock: ManualClock): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await relay.runDue();
    const next = relay.nextDue();
    if (next === null || next > clock.now()) return;
  }
}

async function parseReport(raw: Buffer) {
  const mail = await simpleParser(raw);
  const ct = mail.headers.get('content-type') as { value: string; params: Record<string, string> };
  const dsn = parseDsnWithPython(raw);
  // one "Field: value" line per field of the per-message and per-recipient blocks, for matching
  const status = [dsn.perMessage, ...dsn.recipients]
    .map((b) =>
      Object.entries(b)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n'),
    )
    .join('\n\n');
  return { mail, ct, dsn, status, headers: dsn.originalHeaders };
}

function message(subject: string, from = 'alice@home.test', to = 'someone@accept.test'): Buffer {
  return Buffer.from(
    `From: Alice <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello ${subject}\r\n.leading dot line\r\n`,
  );
}

describe('Relay against SMTP peers', () => {
  it('delivers once per domain, several messages over one connection, and empties the queue', async () => {
    const { relay, clock } = makeRelay({ connectionsPerDestination: 1 });
    await relay.start();
    const before = accept.received().length;
    const a = await relay.submit({ from: 'alice@home.test', recipients: ['r1@accept.test', 'r2@accept.test'], body: message('one') });
    await relay.submit({ from: 'alice@home.test', recipients: ['r3@accept.test'], body: corpusMessage('legacy-000.eml') });
    await relay.submit({ from: 'alice@home.test', recipients: ['r4@accept.test'], body: message('three') });
    await drain(relay, clock);
    const got = accept.received().slice(before);
    expect(got).toHaveLength(3);
    const first = got.find((g) => g.env.to.includes('r1@accept.test'))!;
    expect(first.env.to.sort()).toEqual(['r1@accept.test', 'r2@accept.test']);
    expect(first.env.from).toBe('alice@home.test');
    // one TCP connection (same client port) carried all three messages
    expect(new Set(got.map((g) => g.env.peer[1])).size).toBe(1);
    // the body arrives unchanged after our prepended headers; the corpus file byte for byte
    const legacy = got.find((g) => g.env.to.includes('r3@accept.test'))!;
    expect(legacy.eml.subarray(legacy.eml.length - corpusMessage('legacy-000.eml').length).equals(corpusMessage('legacy-000.eml'))).toBe(true);
    expect(first.eml.toString()).toContain('\r\n.leading dot line\r\n');
    expect(first.eml.toString()).toMatch(/^Message-ID: <[^>]+@mail\.home\.test>\r\n/m);
    expect(a.id).toBeTruthy();
    expect(relay.size).toBe(0);
    await relay.stop();
  });

  it('does not hold other destinations up behind a slow one (automatic delivery)', async () => {
    const { relay } = makeRelay({ clock: { now: () => Date.now() }, autoRun: true });
    await relay.start();
    await relay.submit({ from: 'alice@home.test', recipients: ['x@slow.test'], body: message('slow one') });
    // let the first round start on the slow destination (its peer answers DATA after 4 s)
    await new Promise((r) => setTimeout(r, 500));
    const before = accept.received().length;
    await relay.submit({ from: 'alice@home.test', recipients: ['y@accept.test'], body: message('fast one') });
    await waitFor(() => accept.received().length > before, 10_000, 'fast delivery');
    // the slow peer has not answered the DATA yet: the fast message did not wait for it
    expect(slow.received()).toHaveLength(0);
    await waitFor(() => slow.received().length === 1, 20_000, 'slow delivery');
    await waitFor(() => relay.size === 0, 5_000, 'queue empty');
    await relay.stop();
  });

  it('without connection reuse opens a connection per message', async () => {
    const { relay, clock } = makeRelay({ connectionsPerDestination: 1, reuseConnections: false });
    await relay.start();
    const before = accept.received().length;
    for (let i = 0; i < 3; i++) await relay.submit({ from: 'alice@home.test', recipients: [`n${i}@accept.test`], body: message(`n${i}`) });
    await drain(relay, clock);
    const got = accept.received().slice(before);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => g.env.peer[1])).size).toBe(3);
    await relay.stop();
  });

  it('defers on 451 and delivers exactly once after retries (flaky peer)', async () => {
    const { relay, clock } = makeRelay();
    await relay.start();
    const env = await relay.submit({ from: 'alice@home.test', recipients: ['x@flaky.test'], body: message('flaky') });
    await drain(relay, clock);
    let item = relay.list().find((i) => i.id === env.id)!;
    expect(item.recipients[0]).toMatchObject({ state: 'deferred', attempts: 1 });
    expect(item.recipients[0]!.lastReply).toMatch(/^451 /);
    expect(item.recipients[0]!.nextAttemptAt).toBe(clock.now() + 5 * 60_000);
    clock.advance(5 * 60_000);
    await drain(relay, clock);
    item = relay.list().find((i) => i.id === env.id)!;
    expect(item.recipients[0]).toMatchObject({ state: 'deferred', attempts: 2 });
    clock.advance(10 * 60_000);
    await drain(relay, clock);
    expect(relay.list().find((i) => i.id === env.id)).toBeUndefined();
    const dataEvents = flaky.events().filter((e) => e.ev === 'data' && (e.rcpts as string[]).includes('x@flaky.test'));
    expect(dataEvents.map((e) => (e.reply === '250' ? '250' : String(e.reply).slice(0, 3)))).toEqual(['451', '451', '250']);
    await relay.stop();
  });

  it("bounces a rejected message: the DSN lands in the sender's local mailbox as a delivery report", async () => {
    const { relay, clock, mailboxes } = makeRelay();
    await relay.start();
    await relay.submit({ from: 'alice@home.test', recipients: ['x@reject.test'], body: message('rejected one', 'alice@home.test', 'x@reject.test') });
    await drain(relay, clock);
    const inbox = mailboxes.messages('alice@home.test');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.toString()).toMatch(/^Return-Path: <>\r\n/);
    const { mail, ct, status, headers } = await parseReport(inbox[0]!);
    expect(ct.value).toBe('multipart/report');
    expect(ct.params['report-type']).toBe('delivery-status');
    const { dsn } = await parseReport(inbox[0]!);
    expect(dsn.partTypes).toEqual(['multipart/report', 'text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    expect(dsn.recipients).toHaveLength(1);
    expect(mail.subject).toBe('Undelivered Mail Returned to Sender');
    expect(mail.from?.value[0]?.address).toBe('MAILER-DAEMON@home.test');
    expect(mail.text).toContain('<x@reject.test>: delivery failed');
    expect(status).toMatch(/^Reporting-MTA: dns; mail\.home\.test$/m);
    expect(status).toMatch(/^Final-Recipient: rfc822; x@reject\.test$/m);
    expect(status).toMatch(/^Action: failed$/m);
    expect(status).toMatch(/^Status: 5\.7\.1$/m);
    expect(status).toMatch(/^Remote-MTA: dns; mx\.reject\.test$/m);
    expect(status).toMatch(/^Diagnostic-Code: smtp; 550 5\.7\.1 Rejected by policy/m);
    expect(headers).toContain('Subject: rejected one');
    expect(relay.size).toBe(0);
    await relay.stop();
  });

  it('delivers to the accepted recipients and bounces only the refused one in a mixed transaction', async () => {
    const { relay, clock, mailboxes } = makeRelay();
    await relay.start();
    const before = mixed.received().length;
    await relay.submit({ from: 'bob@home.test', recipients: ['yes@mixed.test', 'nobody@mixed.test'], body: message('mixed', 'bob@home.test') });
    await drain(relay, clock);
    const got = mixed.received().slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.env.to).toEqual(['yes@mixed.test']);
    const inbox = mailboxes.messages('bob@home.test');
    expect(inbox).toHaveLength(1);
    const { status } = await parseReport(inbox[0]!);
    expect(status).toMatch(/^Final-Recipient: rfc822; nobody@mixed\.test$/m);
    expect(status).toMatch(/^Status: 5\.1\.1$/m);
    expect(status).not.toContain('yes@mixed.test');
    await relay.stop();
  });

  it('keeps retrying a 451 for five days, warns once after 4 hours, then expires into a DSN', async () => {
    const { relay, clock, mailboxes } = makeRelay();
    await relay.start();
    const start = clock.now();
    const env = await relay.submit({
      from: 'alice@home.test',
      recipients: ['late@tempfail.test'],
      body: message('patience', 'alice@home.test', 'late@tempfail.test'),
    });
    const attemptTimes: number[] = [];
    for (let i = 0; i < 500 && relay.list().some((x) => x.id === env.id); i++) {
      const before = relay.list().find((x) => x.id === env.id)?.recipients[0]?.attempts ?? 0;
      await drain(relay, clock);
      const after = relay.list().find((x) => x.id === env.id)?.recipients[0]?.attempts;
      if (after === undefined || after > before) attemptTimes.push(clock.now());
      const next = relay.list().find((x) => x.id === env.id)?.recipients[0]?.nextAttemptAt;
      if (next !== undefined) clock.t = next;
    }
    expect(relay.size).toBe(0);
    // RFC 5321 4.5.4.1: after the first few tries, no faster than every 30 minutes; give up after 5 days
    const gaps = attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]!);
    expect(gaps.slice(3).every((g) => g >= 30 * 60_000)).toBe(true);
    expect(attemptTimes.at(-1)! - start).toBe(5 * 24 * HOUR);
    expect(attemptTimes.at(-2)! - start).toBeLessThan(5 * 24 * HOUR);
    const rcptEvents = tempfail.events().filter((e) => e.ev === 'rcpt' && e.rcpt === 'late@tempfail.test');
    expect(rcptEvents).toHaveLength(attemptTimes.length);

    const reports = await Promise.all(mailboxes.messages('alice@home.test').map(parseReport));
    expect(reports).toHaveLength(2);
    const delayed = reports.find((r) => /^Action: delayed$/m.test(r.status))!;
    const failed = reports.find((r) => /^Action: failed$/m.test(r.status))!;
    expect(delayed.mail.subject).toBe('Delayed Mail (still being retried)');
    expect(delayed.status).toMatch(/^Will-Retry-Until: /m);
    expect(failed.status).toMatch(/^Status: 5\.4\.7$/m);
    expect(failed.status).toMatch(/^Diagnostic-Code: smtp; Gave up after 120 hours; last reply: 451 4\.3\.0/m);
    await relay.stop();
  });

  it('never bounces a message with the null sender', async () => {
    const { relay, clock, mailboxes } = makeRelay();
    await relay.start();
    await relay.submit({ from: '', recipients: ['x@reject.test'], body: message('a bounce itself', 'MAILER-DAEMON@home.test', 'x@reject.test') });
    await drain(relay, clock);
    expect(relay.size).toBe(0);
    expect(mailboxes.messages('alice@home.test')).toHaveLength(0);
    await relay.stop();
  });

  it('fails a null MX domain permanently and defers an unreachable host', async () => {
    const { relay, clock, mailboxes } = makeRelay();
    await relay.start();
    await relay.submit({ from: 'alice@home.test', recipients: ['x@nullmx.test'], body: message('null mx') });
    const down = await relay.submit({ from: 'alice@home.test', recipients: ['x@down.test'], body: message('down') });
    await drain(relay, clock);
    const reports = await Promise.all(mailboxes.messages('alice@home.test').map(parseReport));
    expect(reports).toHaveLength(1);
    expect(reports[0]!.status).toMatch(/^Status: 5\.1\.10$/m);
    const d = relay.list().find((x) => x.id === down.id)!;
    expect(d.recipients[0]).toMatchObject({ state: 'deferred', attempts: 1 });
    expect(d.recipients[0]!.lastReply).toMatch(/^451 4\.4\.1 connection to mx\.down\.test\[127\.0\.0\.1\]:10058 failed/);
    await relay.stop();
  });

  it('delivers local recipients into the mailbox store and bounces unknown local users', async () => {
    const { relay, clock, mailboxes } = makeRelay();
    await relay.start();
    await relay.submit({
      from: 'alice@home.test',
      recipients: ['bob@home.test', 'ghost@home.test'],
      body: message('local', 'alice@home.test', 'bob@home.test'),
      trace: { authUser: 'alice@home.test', clientAddress: '127.0.0.1', helo: 'laptop' },
    });
    await drain(relay, clock);
    const bob = mailboxes.messages('bob@home.test');
    expect(bob).toHaveLength(1);
    expect(bob[0]!.toString()).toMatch(
      /^Return-Path: <alice@home\.test>\r\nDKIM-Signature: [^]*?\r\nReceived: from laptop \(\[127\.0\.0\.1\]\)\r\n\t\(authenticated user alice@home\.test\)/,
    );
    const reports = await Promise.all(mailboxes.messages('alice@home.test').map(parseReport));
    expect(reports).toHaveLength(1);
    expect(reports[0]!.status).toMatch(/^Final-Recipient: rfc822; ghost@home\.test$/m);
    await relay.stop();
  });

  it('lists, retries now and deletes (with a bounce) queued messages', async () => {
    const { relay, clock, mailboxes, dir } = makeRelay();
    await relay.start();
    const a = await relay.submit({ from: 'alice@home.test', recipients: ['q1@tempfail.test'], body: message('queued a') });
    const b = await relay.submit({ from: 'alice@home.test', recipients: ['q2@tempfail.test'], body: message('queued b') });
    await drain(relay, clock);
    const list = relay.list();
    expect(list.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    expect(list[0]!.recipients[0]).toMatchObject({ state: 'deferred', attempts: 1 });
    expect(list[0]!.recipients[0]!.lastReply).toMatch(/^451 4\.3\.0/);

    expect(await relay.retryNow(a.id)).toBe(1);
    await drain(relay, clock);
    expect(relay.list().find((i) => i.id === a.id)!.recipients[0]!.attempts).toBe(2);
    expect(relay.list().find((i) => i.id === b.id)!.recipients[0]!.attempts).toBe(1);

    await relay.delete(b.id, 'recipient moved away', { bounce: true });
    await expect(relay.delete(b.id, 'again')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await drain(relay, clock);
    expect(relay.list().map((i) => i.id)).toEqual([a.id]);
    const reports = await Promise.all(mailboxes.messages('alice@home.test').map(parseReport));
    expect(reports).toHaveLength(1);
    expect(reports[0]!.status).toMatch(/Diagnostic-Code: smtp; Removed from the queue by the administrator: recipient moved away/);
    await relay.stop();

    // state survives a restart
    const again = new Relay({ dataDir: dir, hostname: 'mail.home.test', clock, resolver: dns, portOverrides: ports, local: mailboxes, autoRun: false });
    await again.start();
    expect(again.list().map((i) => [i.id, i.recipients[0]!.attempts])).toEqual([[a.id, 2]]);
    await again.stop();
  });
});
