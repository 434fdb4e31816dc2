// Many sessions on one mailbox at once: raw sessions (one with CONDSTORE, one with QRESYNC) and
// an imapflow session APPEND (with new keywords), STORE, EXPUNGE, COPY, MOVE, FETCH, SEARCH, NOOP
// and IDLE, each its own seeded sequence of operations, all running concurrently. Every raw
// session tracks its view only from what the server says (test/support/imap-view-tracker.ts) and
// checks the consistency rules on every response; at checkpoints, with everyone stopped and after
// a NOOP, every view must agree with the store on count, UIDs, flags and announced keywords, and
// each message must be \Recent to exactly one session (all of them select INBOX read-write; Dovecot
// now and then leaves one recent to none, see Target.recentToOne). Each raw session also keeps
// live search results (RFC 5267 RETURN (UPDATE)) from ESEARCH ADDTO/REMOVEFROM alone, and at
// checkpoints they must equal a fresh search (on Hearth only, see Target.liveResults).
// The same scenario runs against Dovecot, which proves the test, and then against Hearth.
// HEARTH_VIEWS_OPS (operations per session, default 150) and HEARTH_VIEWS_SEED make longer runs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ImapFlow } from 'imapflow';
import { createDovecotUser, dovecot } from '../../../support/peers.ts';
import { startTestServer } from '../../../support/imap-test-server.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { ViewSession, expandSet } from '../../../support/imap-view-tracker.ts';
import type { Completion, MessageState, ViewTracker } from '../../../support/imap-view-tracker.ts';
import { seededRandom } from '../../../support/seeded-random.ts';

const OPS = Number(process.env.HEARTH_VIEWS_OPS ?? 150);
const SEED = Number(process.env.HEARTH_VIEWS_SEED ?? 12);
const RAW_SESSIONS = 4;
const CHECKPOINT_EVERY = 25;

interface Target {
  label: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /**
   * Every message \Recent to exactly one session (RFC 3501 2.3.2). False for Dovecot 2.3: under
   * this load it now and then (about one run in four) leaves a message recent to no session at
   * all; it has not been seen to give one to two.
   */
  recentToOne: boolean;
  /**
   * Keep live search results. Not on Dovecot 2.3.19.1: under this load its imap processes with
   * search update contexts die of SIGSEGV (every time with a KEYWORD context when another session
   * COPYs into the mailbox; now and then with FLAGGED/UNSEEN ones), and it has no CONTEXT=SORT.
   * Its CONTEXT=SEARCH answers are compared line by line in search-context-live.test.ts instead.
   */
  liveResults: boolean;
  /** The mailbox as the store holds it now, ascending UID. */
  truth(): Promise<MessageState[]>;
}

const KEYWORDS = ['$Label1', '$Label2', 'Work', 'Later'];
const SYSTEM = ['\\Seen', '\\Flagged', '\\Answered', '\\Draft'];

function message(tag: string): string {
  return `From: views@home.arpa\r\nTo: views@home.arpa\r\nSubject: ${tag}\r\nMessage-ID: <${tag}@views.test>\r\n\r\nbody of ${tag}\r\n`;
}

/** One raw session's operations: every choice comes from its own seeded generator. */
class RawActor {
  readonly s: ViewSession;
  readonly t: ViewTracker;
  private readonly rng: () => number;
  private readonly id: string;
  private n = 0;
  readonly noCount = { value: 0 };

  constructor(s: ViewSession, id: string, seed: number) {
    this.s = s;
    this.t = s.tracker;
    this.id = id;
    this.rng = seededRandom(seed);
  }

  private int(max: number): number {
    return Math.floor(this.rng() * max);
  }
  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  private msn(): number {
    return 1 + this.int(this.t.view.length);
  }
  private range(): string {
    const a = this.msn();
    const b = Math.min(this.t.view.length, a + this.int(4));
    return a === b ? String(a) : `${a}:${b}`;
  }
  private knownUid(): number | null {
    const known = this.t.knownUids();
    return known.length ? this.pick(known) : null;
  }
  private flag(): string {
    const r = this.rng();
    // A new keyword now and then: every other session must hear of it in FLAGS first.
    if (r < 0.15) return `kw${this.id}x${this.n}`;
    if (r < 0.55) return this.pick(KEYWORDS);
    return this.pick(SYSTEM);
  }

  /** Runs a command; BAD is always a failure, NO only where a concurrent expunge explains it. */
  private async run(text: string, mayFail = false): Promise<Completion> {
    const r = await this.s.command(text);
    if (r.status === 'BAD' || (r.status === 'NO' && !mayFail)) this.t.fail(`${text.split('\r\n')[0]} answered ${r.status} ${r.text}`);
    if (r.status === 'NO') this.noCount.value++;
    return r;
  }

  async step(): Promise<void> {
    this.n++;
    const count = this.t.view.length;
    // Keep the mailbox between a handful and a few dozen messages.
    const grow = count < 6 ? 4 : count > 30 ? 0.2 : 1;
    const shrink = count > 30 ? 4 : count < 6 ? 0.2 : 1;
    const empty = count === 0;
    const ops: Array<[number, () => Promise<unknown>]> = [
      [3 * grow, () => this.append()],
      [empty ? 0 : 1 * grow, () => this.run(`COPY ${this.range()} INBOX`, true)],
      [empty ? 0 : 3, () => this.run(`STORE ${this.range()} ${this.pick(['+FLAGS', '-FLAGS'])} (${this.flag()} ${this.flag()})`, true)],
      [empty ? 0 : 1, () => this.run(`STORE ${this.msn()} FLAGS (${this.flag()})`, true)],
      [empty ? 0 : 1, () => this.silentStore()],
      [2, () => this.uidStore()],
      [empty ? 0 : 2 * shrink, () => this.deleteAndExpunge()],
      [1 * shrink, () => this.uidExpunge()],
      [empty ? 0 : 1 * shrink, () => this.run(`MOVE ${this.range()} Other`, true)],
      [1 * shrink, () => this.uidMove()],
      [empty ? 0 : 1, () => this.run(`COPY ${this.range()} Other`, true)],
      [empty ? 0 : 2, () => this.run(`FETCH ${this.range()} (UID FLAGS)`, true)],
      [empty ? 0 : 1, () => this.run('FETCH 1:* (FLAGS)', true)],
      [1, () => this.run('UID FETCH 1:* (FLAGS)', true)],
      [empty ? 0 : 1, () => this.run(`FETCH ${this.msn()} (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])`, true)],
      [empty ? 0 : 1, () => this.run(`FETCH ${this.msn()} (BODY[TEXT])`, true)],
      [1, () => this.run(this.pick(['SEARCH ALL', 'SEARCH UNSEEN', 'UID SEARCH ALL', `UID SEARCH KEYWORD ${this.pick(KEYWORDS)}`]))],
      [1.5, () => this.run('NOOP')],
      [1.5, () => this.s.idle(5 + this.int(40))],
    ];
    let total = 0;
    for (const [w] of ops) total += w;
    let r = this.rng() * total;
    for (const [w, op] of ops) {
      if ((r -= w) < 0) {
        await op();
        return;
      }
    }
  }

  private append(): Promise<Completion> {
    const flags = this.rng() < 0.6 ? [this.flag()] : [];
    const body = message(`${this.id}-${this.n}`);
    return this.run(`APPEND INBOX (${flags.join(' ')}) {${body.length}+}\r\n${body}`);
  }

  private async silentStore(): Promise<void> {
    const msn = this.msn();
    await this.run(`STORE ${msn} +FLAGS.SILENT (${this.flag()})`, true);
    // .SILENT: the server says nothing about the new flags, so this view no longer knows them.
    if (this.t.view[msn - 1]) this.t.view[msn - 1]!.flags = null;
  }

  private async uidStore(): Promise<void> {
    const uid = this.knownUid();
    if (uid !== null) await this.run(`UID STORE ${uid} +FLAGS (${this.flag()})`, true);
  }

  private async deleteAndExpunge(): Promise<void> {
    await this.run(`STORE ${this.range()} +FLAGS (\\Deleted)`, true);
    await this.run('EXPUNGE');
  }

  private async uidExpunge(): Promise<void> {
    const uid = this.knownUid();
    if (uid === null) return;
    await this.run(`UID STORE ${uid} +FLAGS (\\Deleted)`, true);
    await this.run(`UID EXPUNGE ${uid}`);
  }

  private async uidMove(): Promise<void> {
    const uid = this.knownUid();
    if (uid !== null) await this.run(`UID MOVE ${uid} Other`, true);
  }
}

/** The imapflow session: a real client library doing the same kinds of things. */
class FlowActor {
  readonly client: ImapFlow;
  private readonly rng: () => number;
  private n = 0;
  private uids: number[] = [];
  readonly problems: string[] = [];

  constructor(client: ImapFlow, seed: number) {
    this.client = client;
    this.rng = seededRandom(seed);
    // imapflow keeps its own count; a response naming a message beyond it is a broken view.
    client.on('flags', (ev: { seq: number }) => {
      const exists = (client.mailbox as { exists: number } | false) ? (client.mailbox as { exists: number }).exists : 0;
      if (ev.seq > exists) this.problems.push(`FETCH ${ev.seq} beyond EXISTS ${exists}`);
    });
    client.on('exists', (ev: { count: number; prevCount: number }) => {
      if (ev.count < ev.prevCount) this.problems.push(`EXISTS went down from ${ev.prevCount} to ${ev.count}`);
    });
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)]!;
  }

  async step(): Promise<void> {
    this.n++;
    const c = this.client;
    const exists = (c.mailbox as { exists: number }).exists;
    const r = this.rng();
    if (r < 0.25 || exists < 4) {
      const flags = this.rng() < 0.5 ? [`flow${this.n}`] : [this.pick(KEYWORDS)];
      await c.append('INBOX', message(`flow-${this.n}`), flags);
    } else if (r < 0.45 && this.uids.length) {
      await c.messageFlagsAdd(String(this.pick(this.uids)), [this.pick(KEYWORDS), this.pick(SYSTEM)], { uid: true });
    } else if (r < 0.6 && this.uids.length && exists > 6) {
      const uid = this.pick(this.uids);
      this.uids = this.uids.filter((u) => u !== uid);
      await c.messageDelete(String(uid), { uid: true });
    } else if (r < 0.7 && this.uids.length && exists > 6) {
      const uid = this.pick(this.uids);
      this.uids = this.uids.filter((u) => u !== uid);
      await c.messageMove(String(uid), 'Other', { uid: true });
    } else if (r < 0.9 && exists) {
      const got = await c.fetchAll('1:*', { uid: true, flags: true });
      this.uids = got.map((m) => m.uid);
    } else await c.noop();
  }
}

/**
 * The live results every raw session keeps (RFC 5267 4.3): SEARCH ones by UID and by sequence
 * number, SORT ones where the server has CONTEXT=SORT. Sequence-number ones are not kept under
 * QRESYNC: a VANISHED of a message whose UID the session does not know leaves them unknowable.
 */
const CONTEXTS: ReadonlyArray<{ uid: boolean; sort: string | null; criteria: string }> = [
  { uid: true, sort: null, criteria: 'FLAGGED' },
  { uid: false, sort: null, criteria: 'UNSEEN' },
  { uid: true, sort: null, criteria: 'OR KEYWORD $Label1 KEYWORD Work' },
  { uid: true, sort: '(REVERSE SUBJECT)', criteria: 'UNFLAGGED' },
  { uid: false, sort: '(ARRIVAL)', criteria: 'NOT KEYWORD Work' },
];

/** The ALL numbers of an ESEARCH answer, in the order given. */
function esearchAll(r: Completion): number[] {
  const line = r.untagged.find((l) => l.startsWith('ESEARCH '));
  const all = / ALL (\S+)/.exec(line ?? '');
  return all ? expandSet(all[1]!) : [];
}

const searchCommand = (c: (typeof CONTEXTS)[number], returns: string) =>
  `${c.uid ? 'UID ' : ''}${c.sort ? `SORT RETURN (${returns}) ${c.sort} UTF-8` : `SEARCH RETURN (${returns})`} ${c.criteria}`;

async function rawSession(target: Target, i: number, mode: 'plain' | 'condstore' | 'qresync'): Promise<ViewSession> {
  const s = await ViewSession.connect(`${target.label} session ${i} (${mode})`, target.port, target.host);
  await s.login(target.user, target.password);
  if (mode === 'qresync') expect((await s.command('ENABLE QRESYNC')).status).toBe('OK');
  const r = await s.command(mode === 'condstore' ? 'SELECT INBOX (CONDSTORE)' : 'SELECT INBOX');
  expect(r.status).toBe('OK');
  for (const c of target.liveResults ? CONTEXTS : []) {
    if (!c.uid && mode === 'qresync') continue;
    const live = await s.command(searchCommand(c, 'UPDATE ALL'));
    expect(live.status).toBe('OK');
    expect(live.untagged.filter((l) => l.includes('NOUPDATE'))).toEqual([]);
    s.tracker.track(live.tag, { uid: c.uid, sorted: c.sort !== null, results: esearchAll(live), recheck: searchCommand(c, 'ALL') });
  }
  return s;
}

/** Every live result a session kept equals the same search run now. */
async function checkContexts(s: ViewSession): Promise<void> {
  const kept = [...s.tracker.contexts];
  for (const [tag, ctx] of kept) {
    const now = await s.command(ctx.recheck);
    expect(now.status).toBe('OK');
    expect(ctx.results, `${s.tracker.name}: live result ${tag} (${ctx.recheck})`).toEqual(esearchAll(now));
  }
}

async function scenario(target: Target): Promise<void> {
  const setup = await ViewSession.connect(`${target.label} setup`, target.port, target.host);
  await setup.login(target.user, target.password);
  await setup.command('CREATE Other');
  for (let i = 0; i < 12; i++) {
    const body = message(`seed-${i}`);
    await setup.command(`APPEND INBOX (${i % 3 ? '' : '$Label1'}) {${body.length}+}\r\n${body}`);
  }
  setup.close();

  const modes = ['plain', 'condstore', 'qresync', 'plain'] as const;
  const sessions: ViewSession[] = [];
  for (let i = 0; i < RAW_SESSIONS; i++) sessions.push(await rawSession(target, i, modes[i % modes.length]!));
  const actors = sessions.map((s, i) => new RawActor(s, `s${i}`, SEED * 1000 + i));
  const flow = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: target.user, pass: target.password },
    logger: false,
  } as ConstructorParameters<typeof ImapFlow>[0]);
  await flow.connect();
  const lock = await flow.getMailboxLock('INBOX');
  const flowActor = new FlowActor(flow, SEED * 1000 + 99);
  let recentChecked = 0;

  try {
    for (let done = 0; done < OPS; done += CHECKPOINT_EVERY) {
      const steps = Math.min(CHECKPOINT_EVERY, OPS - done);
      await Promise.all([
        ...actors.map(async (a) => {
          for (let k = 0; k < steps; k++) await a.step();
        }),
        (async () => {
          for (let k = 0; k < steps; k++) await flowActor.step();
        })(),
      ]);
      // Checkpoint: everyone stops, each session hears the rest, then all agree with the store.
      for (const s of sessions) expect((await s.command('NOOP')).status).toBe('OK');
      await flow.noop();
      const truth = await target.truth();
      for (const s of sessions) s.tracker.agreeWith(truth);
      for (const s of sessions) if (target.liveResults) await checkContexts(s);
      expect(flowActor.problems).toEqual([]);
      expect((flow.mailbox as { exists: number }).exists, `${target.label} imapflow count`).toBe(truth.length);
      // Learn every UID and flag, then agree again (now on every message).
      for (const s of sessions) if (truth.length) expect((await s.command('FETCH 1:* (UID FLAGS)')).status).toBe('OK');
      for (const s of sessions) s.tracker.agreeWith(truth);
      // RFC 3501 2.3.2: every message is \Recent to one session, the first told of it.
      const recentTo = new Map<number, string[]>(truth.map((t) => [t.uid, []]));
      for (const s of sessions) for (const uid of s.tracker.recentUids()) recentTo.get(uid)?.push(s.tracker.name);
      if (truth.length)
        for (const m of await flow.fetchAll('1:*', { uid: true, flags: true })) if (m.flags?.has('\\Recent')) recentTo.get(m.uid)?.push('imapflow');
      const wrong = [...recentTo].filter(([, who]) => who.length > 1 || (target.recentToOne && who.length === 0));
      const described = wrong.map(([uid, who]) => `UID ${uid}: ${who.length ? who.join(', ') : 'nobody'}`);
      expect(described, `${target.label}: messages not \\Recent to exactly one session`).toEqual([]);
      recentChecked += truth.length;
    }
  } finally {
    lock.release();
    await flow.logout().catch(() => {});
    for (const s of sessions) s.close();
  }
  // A check that never fired proves nothing: the run must have exercised each kind of response.
  const seen = { exists: 0, expunge: 0, vanished: 0, fetch: 0, flags: 0, search: 0, recent: 0, addto: 0, removefrom: 0 };
  for (const s of sessions) for (const k of Object.keys(seen) as Array<keyof typeof seen>) seen[k] += s.tracker.seen[k];
  expect(seen.exists).toBeGreaterThan(0);
  expect(seen.expunge).toBeGreaterThan(0);
  expect(seen.vanished).toBeGreaterThan(0);
  expect(seen.fetch).toBeGreaterThan(0);
  expect(seen.search).toBeGreaterThan(0);
  expect(seen.recent).toBeGreaterThan(0);
  if (target.liveResults) {
    expect(seen.addto).toBeGreaterThan(0);
    expect(seen.removefrom).toBeGreaterThan(0);
  }
  expect(recentChecked).toBeGreaterThan(0);
}

/** Dovecot's truth comes from a fresh session (its index is the store). */
async function dovecotTruth(user: string, password: string): Promise<MessageState[]> {
  const s = await ViewSession.connect('dovecot truth', dovecot.imapPort, dovecot.host);
  try {
    await s.login(user, password);
    await s.command('EXAMINE INBOX');
    const r = await s.command('UID FETCH 1:* (FLAGS)');
    const out: MessageState[] = [];
    for (const line of r.untagged) {
      const m = /^\d+ FETCH \((.*)\)$/s.exec(line);
      if (!m) continue;
      const uid = Number(/UID (\d+)/.exec(m[1]!)![1]);
      const flags = /FLAGS \(([^)]*)\)/.exec(m[1]!)![1]!.split(' ').filter(Boolean);
      out.push({ uid, flags });
    }
    return out.sort((a, b) => a.uid - b.uid);
  } finally {
    s.close();
  }
}

const timeout = 60_000 + OPS * 1000;

describe('many sessions on one mailbox keep consistent views', () => {
  it(
    'against Dovecot (proves the test)',
    async () => {
      const { user, password } = createDovecotUser('views');
      await scenario({
        label: 'Dovecot',
        host: dovecot.host,
        port: dovecot.imapPort,
        user,
        password,
        recentToOne: false,
        liveResults: false,
        truth: () => dovecotTruth(user, password),
      });
    },
    timeout,
  );

  describe('against Hearth', () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await startTestServer();
    });
    afterAll(async () => {
      await srv?.close();
    });

    it(
      'passes the same scenario',
      async () => {
        await scenario({
          label: 'Hearth',
          host: '127.0.0.1',
          port: srv.plain.port,
          user: srv.user,
          password: srv.password,
          recentToOne: true,
          liveResults: true,
          truth: async () => {
            const mail = await srv.store.user(srv.user);
            const metas = await (await mail.openMailbox('INBOX')).listMessages();
            return metas.map((m) => ({ uid: m.uid, flags: m.flags }));
          },
        });
      },
      timeout,
    );
  });
});
