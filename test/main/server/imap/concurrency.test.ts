// Two sessions on one mailbox: one expunges while the other fetches. The fetching session must
// see EXPUNGE only at a legal point (never during FETCH/STORE/SEARCH, RFC 3501 7.4.1) and every
// FETCH response must describe the message its MSN names in that session's view.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer } from '../../../support/imap-test-server.ts';
import { RawClient } from '../../../support/imap-raw-client.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

function message(i: number): Buffer {
  return Buffer.from(`From: a${i}@home.arpa\r\nTo: b@home.arpa\r\nSubject: message ${i}\r\nMessage-ID: <m${i}@test>\r\n\r\nbody ${i}\r\n`);
}

/** The client's model of the mailbox: MSN -> UID, updated only from what the server says. */
class View {
  uids: number[] = [];
  /** Apply untagged EXPUNGE/EXISTS lines; returns how many EXPUNGEs were seen. */
  apply(text: string): number {
    let n = 0;
    for (const m of text.matchAll(/^\* (\d+) EXPUNGE\r$/gm)) {
      this.uids.splice(Number(m[1]) - 1, 1);
      n++;
    }
    return n;
  }
}

async function login(): Promise<RawClient> {
  const c = await RawClient.connect(srv.plain.port);
  await c.until(/\* OK/);
  expect(await c.cmd('l', `LOGIN ${srv.user} ${srv.password}`)).toMatch(/l OK/);
  return c;
}

describe('two sessions on one mailbox', () => {
  it('the fetcher sees EXPUNGE only after its FETCH, and never a wrong message', async () => {
    const mail = await srv.store.user(srv.user);
    await mail.createMailbox('Race');
    const idByUid = new Map<number, string>();
    for (let i = 1; i <= 60; i++) {
      const r = await mail.append('Race', message(i));
      idByUid.set(r.uid, `<m${i}@test>`);
    }
    const a = await login();
    const b = await login();
    await a.cmd('s', 'SELECT Race');
    const view = new View();
    const sel = await b.cmd('s', 'SELECT Race');
    expect(sel).toMatch(/\* 60 EXISTS/);
    const uidList = await b.cmd('u', 'UID SEARCH ALL');
    view.uids = uidList
      .match(/\* SEARCH ([\d ]+)/)![1]!
      .trim()
      .split(' ')
      .map(Number);

    for (let round = 0; round < 5; round++) {
      // A deletes a few messages spread over the mailbox while B fetches everything.
      const victims = view.uids.filter((_, i) => i % 7 === round % 7).slice(0, 3);
      a.write(`d${round} UID STORE ${victims.join(',')} +FLAGS.SILENT (\\Deleted)\r\nx${round} EXPUNGE\r\n`);
      b.write(`f${round} FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])\r\n`);
      const fetched = await b.until(new RegExp(`f${round} (OK|NO|BAD)[^\\r\\n]*\\r\\n`));
      await a.until(new RegExp(`x${round} OK`));
      expect(fetched).toMatch(new RegExp(`f${round} OK`));
      // No EXPUNGE inside the FETCH response.
      expect(fetched).not.toMatch(/^\* \d+ EXPUNGE/m);
      // Every FETCH names the right message for its MSN in B's (unchanged) view.
      for (const m of fetched.matchAll(/^\* (\d+) FETCH \(UID (\d+) BODY\[HEADER\.FIELDS \(MESSAGE-ID\)\] \{(\d+)\}\r\n([\s\S]*?)\)\r\n/gm)) {
        const msn = Number(m[1]);
        const uid = Number(m[2]);
        expect(view.uids[msn - 1]).toBe(uid);
        expect(m[4]!.slice(0, Number(m[3]))).toContain(idByUid.get(uid)!);
      }
      // The expunges arrive at the next legal point, and then the views agree.
      const noop = await b.cmd(`n${round}`, 'NOOP');
      expect(view.apply(noop)).toBe(victims.length);
      const check = await b.cmd(`c${round}`, 'UID SEARCH ALL');
      const serverUids = check
        .match(/\* SEARCH([\d ]*)/)![1]!
        .trim()
        .split(' ')
        .filter(Boolean)
        .map(Number);
      expect(view.uids).toEqual(serverUids);
      for (const v of victims) expect(view.uids).not.toContain(v);
    }
    // STORE and SEARCH by MSN also hold expunges back; UID commands may send them.
    const victim = view.uids[0]!;
    await a.cmd('dd', `UID STORE ${victim} +FLAGS.SILENT (\\Deleted)`);
    await a.cmd('xx', 'EXPUNGE');
    const store = await b.cmd('st', 'STORE 2 +FLAGS (\\Flagged)');
    expect(store).not.toMatch(/EXPUNGE/);
    expect(store).toMatch(/^\* 2 FETCH \(FLAGS \(\\Flagged\)\)/m);
    const search = await b.cmd('se', 'SEARCH ALL');
    expect(search).not.toMatch(/EXPUNGE/);
    const uidFetch = await b.cmd('uf', 'UID FETCH 1:* (FLAGS)');
    expect(uidFetch).toMatch(/^\* 1 EXPUNGE\r$/m);
    a.close();
    b.close();
  });

  it('changes by another session wait through LIST, STATUS and the like, and come with NOOP; replies leave whole', async () => {
    const mail = await srv.store.user(srv.user);
    await mail.createMailbox('Quiet');
    for (let i = 1; i <= 3; i++) await mail.append('Quiet', message(i));
    const a = await login();
    const b = await login();
    await a.cmd('s', 'SELECT Quiet');
    await b.cmd('s', 'SELECT Quiet');
    await b.cmd('f', 'STORE 1:3 +FLAGS (\\Flagged)');
    await mail.append('Quiet', message(4));
    for (const [tag, c] of [
      ['l', 'LIST "" *'],
      ['st', 'STATUS Quiet (MESSAGES)'],
      ['n', 'NAMESPACE'],
      ['c', 'CAPABILITY'],
    ]) {
      const reply = await a.cmd(tag!, c!);
      expect(reply, c).not.toMatch(/FETCH|EXISTS/);
    }
    // One segment: the untagged lines and the tagged reply arrive together.
    let segments = 0;
    const count = () => segments++;
    a.socket.on('data', count);
    const noop = await a.cmd('nn', 'NOOP');
    a.socket.off('data', count);
    expect(noop).toMatch(/^\* 4 EXISTS\r$/m);
    // a's SELECT came first, so a claimed the three messages: \Recent to a only.
    expect(noop.match(/^\* \d FETCH \(UID \d FLAGS \(\\Flagged \\Recent\)\)\r$/gm)).toHaveLength(3);
    expect(segments).toBe(1);
    a.close();
    b.close();
  });
});
