// A client's model of one selected mailbox, built ONLY from the untagged responses the server
// sends, and checked on every response against the rules that keep a session's view consistent:
// - RFC 3501 7.3.1 / 7.4.1, RFC 9051 7.5.1: a sequence number is never above the count the client
//   was last told; new messages are announced with EXISTS before any response names them; every
//   EXPUNGE (and RFC 7162 VANISHED) names a message of the current view and shrinks it; no
//   EXPUNGE while no command is in progress, nor during FETCH, STORE or SEARCH (the UID forms may).
// - RFC 3501 7.2.6: a keyword reaches the client in an untagged FLAGS before a FETCH shows it.
// - RFC 3501 2.3.2, 7.3.2: a message's \Recent does not change while it is in the view; RECENT is
//   never above EXISTS, and counts the messages of the view that FETCH shows as \Recent (checked
//   once FETCH has shown them all). RFC 3501 does not say that an EXPUNGE counts RECENT down, and
//   Dovecot sends RECENT only when its count differs from the last one it sent, so a RECENT is
//   checked against the view as it was when it came. That each message is recent to exactly one
//   read-write session is checked across sessions by the caller (recentUids()).
// - RFC 5267 4.3: the live search results a session asked for (track()) are kept from ESEARCH
//   ADDTO/REMOVEFROM alone; their sequence numbers must be valid when they come (ADDTO after the
//   EXISTS, REMOVEFROM before the EXPUNGE: an expunged message may not still be in a result), and
//   each pair must apply (a removal names what is at its position, an addition is new).
// ViewSession is a raw socket that feeds every response through a tracker; ViewViolation carries
// the session's recent transcript so a failure can be read without a rerun.
import net from 'node:net';

/** One message of the view: UID and flags as far as the server has said (null = not told yet). */
export interface ViewEntry {
  uid: number | null;
  flags: string[] | null;
  /** \Recent in this session, as a FETCH of FLAGS showed; null until one did. */
  recent: boolean | null;
}

/** The store's truth for a checkpoint: UIDs ascending, flags without \Recent. */
export interface MessageState {
  uid: number;
  flags: string[];
}

export class ViewViolation extends Error {
  constructor(session: string, rule: string, transcript: readonly string[]) {
    super(`${session}: ${rule}\n--- last lines of ${session} ---\n${transcript.join('\n')}`);
    this.name = 'ViewViolation';
  }
}

/** A live search result as the client keeps it (RFC 5267 4.3.2): numbers in result order. */
export interface TrackedContext {
  uid: boolean;
  /** SORT: positions count; SEARCH: position 0, mailbox order. */
  sorted: boolean;
  results: number[];
  /** The same search without UPDATE, whose answer the kept result must equal when all is quiet. */
  recheck: string;
}

/** The command in progress, as far as the rules care. */
interface InProgress {
  verb: string;
  uid: boolean;
}

// ---- a small parser for IMAP response data (atoms, strings, literals, lists) ----

export type Datum = string | null | Datum[];

/** Parses the data of one response; literals arrive inline as `{n}\r\n` followed by n bytes. */
export function parseData(text: string): Datum[] {
  let i = 0;
  const list = (close: string | null): Datum[] => {
    const out: Datum[] = [];
    for (;;) {
      while (text[i] === ' ') i++;
      if (i >= text.length) {
        if (close) throw new Error(`unterminated list in ${text.slice(0, 200)}`);
        return out;
      }
      const c = text[i]!;
      if (c === close) {
        i++;
        return out;
      }
      if (c === '(') {
        i++;
        out.push(list(')'));
      } else if (c === '"') {
        let s = '';
        i++;
        while (text[i] !== '"') {
          if (i >= text.length) throw new Error('unterminated string');
          if (text[i] === '\\') i++;
          s += text[i++];
        }
        i++;
        out.push(s);
      } else if (c === '{' || (c === '~' && text[i + 1] === '{')) {
        const m = /^~?\{(\d+)\}\r\n/.exec(text.slice(i, i + 30));
        if (!m) throw new Error(`bad literal at ${text.slice(i, i + 30)}`);
        i += m[0].length;
        out.push(text.slice(i, i + Number(m[1])));
        i += Number(m[1]);
      } else {
        // An atom; a section ("BODY[HEADER.FIELDS (SUBJECT)]") may hold spaces and parentheses.
        let s = '';
        while (i < text.length && !' ()'.includes(text[i]!) && text[i] !== close) {
          if (text[i] === '[') {
            const end = text.indexOf(']', i);
            s += text.slice(i, end + 1);
            i = end + 1;
          } else s += text[i++];
        }
        out.push(s.toUpperCase() === 'NIL' ? null : s);
      }
    }
  };
  return list(null);
}

/** A sequence set ("1:3,7") as numbers in the order written (a SORT result's "6,4,5:7" stays so); no `*` in responses. */
export function expandSet(set: string): number[] {
  const out: number[] = [];
  for (const part of set.split(',')) {
    const [a, b] = part.split(':').map(Number) as [number, number | undefined];
    if (b === undefined) out.push(a);
    else for (let n = Math.min(a, b); n <= Math.max(a, b); n++) out.push(n);
  }
  return out;
}

const stripRecent = (flags: readonly string[]) => flags.filter((f) => f.toLowerCase() !== '\\recent').sort();

// ---- the tracker ----

export class ViewTracker {
  readonly name: string;
  readonly view: ViewEntry[] = [];
  /** Keywords from the last untagged FLAGS; null before the first. */
  keywords: Set<string> | null = null;
  permanentFlags: string[] | null = null;
  /** The last RECENT and the messages of the view when it came. */
  lastRecent: { count: number; view: ViewEntry[] } | null = null;
  inProgress: InProgress | null = null;
  /** The last lines received and sent, for the failure message. */
  readonly transcript: string[] = [];
  /** What each rule check saw, for the test's summary (a check that never fired proves nothing). */
  readonly seen = { exists: 0, expunge: 0, vanished: 0, fetch: 0, flags: 0, search: 0, recent: 0, addto: 0, removefrom: 0 };
  /** Live search results by tag (RFC 5267), registered with track(). */
  readonly contexts = new Map<string, TrackedContext>();

  constructor(name: string) {
    this.name = name;
  }

  note(line: string): void {
    this.transcript.push(line.length > 300 ? line.slice(0, 300) + '…' : line);
    if (this.transcript.length > 60) this.transcript.shift();
  }

  fail(rule: string): never {
    throw new ViewViolation(this.name, rule, this.transcript);
  }

  /** A fresh SELECT replaces the view. */
  reset(): void {
    this.contexts.clear();
    this.view.length = 0;
    this.keywords = null;
    this.permanentFlags = null;
    this.lastRecent = null;
  }

  /** Applies one untagged response (without "* " and the final CRLF) and checks it. */
  apply(response: string): void {
    this.note(`S: * ${response}`);
    let m: RegExpExecArray | null;
    if ((m = /^(\d+) EXISTS$/i.exec(response))) return this.exists(Number(m[1]));
    if ((m = /^(\d+) RECENT$/i.exec(response))) return this.recentResponse(Number(m[1]));
    if ((m = /^(\d+) EXPUNGE$/i.exec(response))) return this.expunge(Number(m[1]));
    if ((m = /^(\d+) FETCH (.*)$/is.exec(response))) return this.fetch(Number(m[1]), m[2]!);
    if ((m = /^VANISHED (\(EARLIER\) )?([\d:,]+)$/i.exec(response))) return this.vanished(Boolean(m[1]), m[2]!);
    if ((m = /^FLAGS \((.*)\)$/i.exec(response))) return this.flagsResponse(m[1]!);
    if ((m = /^OK \[PERMANENTFLAGS \((.*?)\)\]/i.exec(response))) return this.permanent(m[1]!);
    if ((m = /^SEARCH((?: \d+)*)(?: \(MODSEQ \d+\))?$/i.exec(response))) return this.search(m[1]!);
    if ((m = /^ESEARCH \(TAG "([^"]*)"\)( UID)? ((?:ADDTO|REMOVEFROM) .*)$/i.exec(response))) return this.contextUpdate(m[1]!, Boolean(m[2]), m[3]!);
    if (/^BYE/i.test(response)) this.fail(`unexpected BYE: ${response}`);
  }

  private expungeAllowed(what: string): void {
    const c = this.inProgress;
    if (!c) this.fail(`${what} while no command is in progress (RFC 3501 7.4.1)`);
    if (!c.uid && ['FETCH', 'STORE', 'SEARCH'].includes(c.verb)) this.fail(`${what} during ${c.verb} (RFC 3501 7.4.1)`);
  }

  private exists(n: number): void {
    this.seen.exists++;
    if (n < this.view.length) this.fail(`EXISTS ${n} below the ${this.view.length} messages of the view (only EXPUNGE shrinks it)`);
    while (this.view.length < n) this.view.push({ uid: null, flags: null, recent: null });
  }

  private recentResponse(n: number): void {
    this.seen.recent++;
    if (n > this.view.length) this.fail(`RECENT ${n} above the ${this.view.length} messages of the view`);
    this.lastRecent = { count: n, view: [...this.view] };
  }

  private expunge(n: number): void {
    this.seen.expunge++;
    this.expungeAllowed(`EXPUNGE ${n}`);
    if (n < 1 || n > this.view.length) this.fail(`EXPUNGE ${n} outside the view of ${this.view.length}`);
    this.leaveContexts(n, this.view[n - 1]!.uid);
    this.view.splice(n - 1, 1);
  }

  // ---- live search results (RFC 5267 4.3) ----

  /** From now on keep this search's result (as its ESEARCH ALL gave it) from ADDTO/REMOVEFROM. */
  track(tag: string, ctx: TrackedContext): void {
    this.contexts.set(tag, { ...ctx, results: [...ctx.results] });
  }

  /** A message leaves the view: it must have left every result first; later numbers move down. */
  private leaveContexts(msn: number, uid: number | null): void {
    for (const [tag, c] of this.contexts) {
      if (c.uid) {
        if (uid !== null && c.results.includes(uid))
          this.fail(`UID ${uid} expunged while still in the result of ${tag} (REMOVEFROM comes first, RFC 5267 4.3.4)`);
        continue;
      }
      if (c.results.includes(msn)) this.fail(`message ${msn} expunged while still in the result of ${tag} (REMOVEFROM comes first, RFC 5267 4.3.4)`);
      c.results = c.results.map((n) => (n > msn ? n - 1 : n));
    }
  }

  private contextUpdate(tag: string, uid: boolean, data: string): void {
    const c = this.contexts.get(tag);
    if (!c) return;
    if (c.uid !== uid) this.fail(`ESEARCH for ${tag} ${uid ? 'with' : 'without'} UID`);
    const items = parseData(data);
    for (let i = 0; i + 1 < items.length; i += 2) {
      const what = String(items[i]).toUpperCase();
      const pairs = items[i + 1];
      if (!Array.isArray(pairs) || pairs.length % 2) this.fail(`${tag}: malformed ${what}`);
      for (let p = 0; p < pairs.length; p += 2) {
        const pos = Number(pairs[p]);
        const nums = expandSet(String(pairs[p + 1]));
        if (!c.sorted && pos !== 0) this.fail(`${tag}: position ${pos} in a SEARCH result (0 expected)`);
        if (c.sorted && pos < 1) this.fail(`${tag}: position ${pos} in a SORT result`);
        if (what === 'ADDTO') this.addTo(tag, c, pos, nums);
        else if (what === 'REMOVEFROM') this.removeFrom(tag, c, pos, nums);
        else this.fail(`${tag}: unexpected ${what}`);
      }
    }
  }

  private checkNumber(tag: string, c: TrackedContext, n: number, what: string): void {
    if (c.uid) {
      if (!this.place(n).length) this.fail(`${what} for ${tag} names UID ${n}, not a message of the view`);
    } else if (n < 1 || n > this.view.length) this.fail(`${what} for ${tag} names message ${n} beyond the view of ${this.view.length} (EXISTS first)`);
  }

  private addTo(tag: string, c: TrackedContext, pos: number, nums: number[]): void {
    this.seen.addto++;
    for (const n of nums) {
      this.checkNumber(tag, c, n, 'ADDTO');
      if (c.results.includes(n)) this.fail(`ADDTO for ${tag} adds ${n}, already in the result`);
    }
    if (pos > c.results.length + 1) this.fail(`ADDTO for ${tag} at ${pos}, past the end of ${c.results.length} results`);
    if (pos) c.results.splice(pos - 1, 0, ...nums);
    else c.results = [...c.results, ...nums].sort((a, b) => a - b);
  }

  private removeFrom(tag: string, c: TrackedContext, pos: number, nums: number[]): void {
    this.seen.removefrom++;
    for (const n of nums) {
      this.checkNumber(tag, c, n, 'REMOVEFROM');
      const at = pos ? pos - 1 : c.results.indexOf(n);
      if (c.results[at] !== n) this.fail(`REMOVEFROM for ${tag} removes ${n}${pos ? ` at ${pos}, where ${c.results[at]} is` : ', not in the result'}`);
      c.results.splice(at, 1);
    }
  }

  private vanished(earlier: boolean, set: string): void {
    // VANISHED (EARLIER) reports UIDs the client may have missed; it changes no sequence number.
    if (earlier) {
      const c = this.inProgress;
      if (!c || !(['SELECT', 'EXAMINE'].includes(c.verb) || (c.uid && c.verb === 'FETCH'))) this.fail('VANISHED (EARLIER) outside SELECT or UID FETCH');
      return;
    }
    this.seen.vanished++;
    this.expungeAllowed(`VANISHED ${set}`);
    for (const uid of expandSet(set)) {
      const gap = this.place(uid);
      if (!gap.length) this.fail(`VANISHED ${uid}: not a message of the view`);
      // Among several messages of unknown UID, which one went is unknown: so are their flags now.
      if (gap.length > 1) for (const i of gap) Object.assign(this.view[i]!, { flags: null, recent: null });
      // Which message of a gap went is unknown, so a sequence-number result cannot be kept then.
      if (gap.length > 1)
        for (const [tag, c] of this.contexts) if (!c.uid) this.fail(`VANISHED ${uid} with a sequence-number result (${tag}) kept: untrackable`);
      this.leaveContexts(gap[0]! + 1, uid);
      this.view.splice(gap[0]!, 1);
    }
  }

  /**
   * Where the message with this UID can be: the index of the known one, or else the unknown
   * entries between the known neighbours the UID falls between; empty if nowhere.
   */
  place(uid: number): number[] {
    let lastKnownBelow = -1;
    for (let i = 0; i < this.view.length; i++) {
      const u = this.view[i]!.uid;
      if (u === uid) return [i];
      if (u !== null && u < uid) lastKnownBelow = i;
    }
    const gap: number[] = [];
    for (let i = lastKnownBelow + 1; i < this.view.length; i++) {
      const u = this.view[i]!.uid;
      if (u !== null) break;
      gap.push(i);
    }
    return gap;
  }

  private fetch(n: number, data: string): void {
    this.seen.fetch++;
    if (n < 1 || n > this.view.length) this.fail(`FETCH for ${n} beyond the ${this.view.length} messages announced (EXISTS first)`);
    const items = parseData(data)[0];
    if (!Array.isArray(items)) this.fail(`FETCH ${n}: malformed data`);
    const entry = this.view[n - 1]!;
    for (let i = 0; i + 1 < items.length; i += 2) {
      const key = typeof items[i] === 'string' ? (items[i] as string).toUpperCase() : '';
      const value = items[i + 1];
      if (key === 'UID') {
        const uid = Number(value);
        if (entry.uid !== null && entry.uid !== uid) this.fail(`FETCH ${n} says UID ${uid}, the view has UID ${entry.uid} there`);
        if (entry.uid === null) {
          for (let j = 0; j < this.view.length; j++) {
            const other = this.view[j]!.uid;
            if (other === null || j === n - 1) continue;
            if ((j < n - 1 && other >= uid) || (j > n - 1 && other <= uid)) this.fail(`FETCH ${n} UID ${uid} out of order with UID ${other} at ${j + 1}`);
          }
          entry.uid = uid;
        }
      } else if (key === 'FLAGS') {
        if (!Array.isArray(value)) this.fail(`FETCH ${n}: FLAGS is not a list`);
        const flags = value.map((f) => {
          if (typeof f !== 'string') this.fail(`FETCH ${n}: NIL in FLAGS`);
          return f;
        });
        for (const f of flags) {
          if (f.startsWith('\\')) continue;
          if (!this.keywords?.has(f)) this.fail(`FETCH ${n} shows keyword ${f} before an untagged FLAGS announced it (RFC 3501 7.2.6)`);
        }
        this.seen.flags++;
        entry.flags = stripRecent(flags);
        const recent = flags.some((f) => f.toLowerCase() === '\\recent');
        if (entry.recent !== null && entry.recent !== recent)
          this.fail(`FETCH ${n} shows ${recent ? '' : 'no '}\\Recent, shown ${entry.recent ? 'with' : 'without'} it before (it cannot change, RFC 3501 2.3.2)`);
        entry.recent = recent;
      }
    }
  }

  private flagsResponse(list: string): void {
    const flags = list.split(' ').filter(Boolean);
    if (flags.some((f) => f.toUpperCase() === 'NIL')) this.fail('NIL in FLAGS');
    this.keywords = new Set(flags.filter((f) => !f.startsWith('\\')));
  }

  private permanent(list: string): void {
    const flags = list.split(' ').filter(Boolean);
    this.permanentFlags = flags;
    // Empty for a read-only mailbox; otherwise every announced keyword is storable.
    if (flags.length && !flags.includes('\\*'))
      for (const k of this.keywords ?? []) if (!flags.includes(k)) this.fail(`PERMANENTFLAGS lacks keyword ${k} and \\*`);
  }

  /** The numbers of a SEARCH response; checked against the command that asked. */
  private search(nums: string): void {
    this.seen.search++;
    const c = this.inProgress;
    if (!c || c.verb !== 'SEARCH') this.fail('SEARCH response outside SEARCH');
    for (const v of nums.trim().split(' ').filter(Boolean).map(Number)) {
      if (c.uid) {
        if (!this.place(v).length) this.fail(`UID SEARCH returned UID ${v}, not a message of the view`);
      } else if (v < 1 || v > this.view.length) this.fail(`SEARCH returned ${v} beyond the view of ${this.view.length}`);
    }
  }

  /** Checks the view against the store's messages (after a NOOP, with nobody changing anything). */
  agreeWith(truth: readonly MessageState[]): void {
    if (this.view.length !== truth.length) this.fail(`the view has ${this.view.length} messages, the store ${truth.length}`);
    truth.forEach((t, i) => {
      const e = this.view[i]!;
      if (e.uid !== null && e.uid !== t.uid) this.fail(`message ${i + 1} has UID ${e.uid} in the view, ${t.uid} in the store`);
      if (e.flags !== null && e.flags.join(' ') !== stripRecent(t.flags).join(' '))
        this.fail(`message ${i + 1} (UID ${t.uid}) has flags (${e.flags.join(' ')}) in the view, (${stripRecent(t.flags).join(' ')}) in the store`);
      for (const f of t.flags) if (!f.startsWith('\\') && !this.keywords?.has(f)) this.fail(`keyword ${f} of UID ${t.uid} never announced in FLAGS`);
    });
    // Once FETCH has shown the \Recent of every message the last RECENT counted, it must be their number.
    const last = this.lastRecent;
    if (last && last.view.every((e) => e.recent !== null)) {
      const shown = last.view.filter((e) => e.recent).length;
      if (shown !== last.count) this.fail(`RECENT said ${last.count}, FETCH shows ${shown} of those messages with \\Recent`);
    }
  }

  /** The UIDs this session was shown as \Recent (only those whose UID and \Recent it knows). */
  recentUids(): number[] {
    return this.view.flatMap((e) => (e.uid !== null && e.recent ? [e.uid] : []));
  }

  /** A random message of the view: its sequence number and UID (if known). */
  knownUids(): number[] {
    return this.view.flatMap((e) => (e.uid === null ? [] : [e.uid]));
  }
}

// ---- a raw session feeding the tracker ----

/** The tagged completion of a command and the untagged responses that came with it. */
export interface Completion {
  /** The tag the command went with (a live search's ESEARCH updates carry it). */
  tag: string;
  status: 'OK' | 'NO' | 'BAD';
  text: string;
  untagged: string[];
}

export class ViewSession {
  readonly tracker: ViewTracker;
  private socket: net.Socket;
  private buf = '';
  private responses: string[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private tagN = 0;

  private constructor(name: string, socket: net.Socket) {
    this.tracker = new ViewTracker(name);
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.split();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  static connect(name: string, port: number, host = '127.0.0.1'): Promise<ViewSession> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new ViewSession(name, s)));
      s.once('error', reject);
    });
  }

  /** Cuts whole responses (literals included) off the buffer. */
  private split(): void {
    for (;;) {
      let at = 0;
      let end = -1;
      for (;;) {
        const crlf = this.buf.indexOf('\r\n', at);
        if (crlf === -1) break;
        const lit = /~?\{(\d+)\}$/.exec(this.buf.slice(Math.max(at, crlf - 20), crlf));
        if (!lit) {
          end = crlf;
          break;
        }
        const next = crlf + 2 + Number(lit[1]);
        if (next > this.buf.length) break;
        at = next;
      }
      if (end === -1) return;
      this.responses.push(this.buf.slice(0, end));
      this.buf = this.buf.slice(end + 2);
      this.wake?.();
    }
  }

  private async next(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.responses.length) {
      if (this.closed) this.tracker.fail('connection closed');
      if (Date.now() > deadline) this.tracker.fail(`no response within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 50);
      });
      this.wake = null;
    }
    return this.responses.shift()!;
  }

  /** Applies responses that arrived with no command in progress (or during IDLE). */
  absorb(): void {
    while (this.responses.length) {
      const r = this.responses.shift()!;
      if (r.startsWith('* ')) this.tracker.apply(r.slice(2));
    }
  }

  /** Sends one command (literal+ parts included in `text`) and applies what comes back. */
  async command(text: string, timeoutMs = 30_000): Promise<Completion> {
    this.absorb();
    const tag = `v${++this.tagN}`;
    const words = text.split(' ');
    const uid = words[0]!.toUpperCase() === 'UID';
    this.tracker.inProgress = { verb: (uid ? words[1]! : words[0]!).toUpperCase(), uid };
    if (['SELECT', 'EXAMINE'].includes(this.tracker.inProgress.verb)) this.tracker.reset();
    this.tracker.note(`C: ${tag} ${text.split('\r\n')[0]}`);
    this.socket.write(`${tag} ${text}\r\n`);
    const untagged: string[] = [];
    try {
      for (;;) {
        const r = await this.next(timeoutMs);
        if (r.startsWith('* ')) {
          untagged.push(r.slice(2));
          this.tracker.apply(r.slice(2));
        } else if (r.startsWith(`${tag} `)) {
          this.tracker.note(`S: ${r}`);
          const m = /^\S+ (OK|NO|BAD) ?(.*)$/s.exec(r)!;
          return { tag, status: m[1] as Completion['status'], text: m[2]!, untagged };
        } else if (!r.startsWith('+')) this.tracker.fail(`unexpected response: ${r}`);
      }
    } finally {
      this.tracker.inProgress = null;
    }
  }

  /** IDLE for `ms`, applying what the server pushes meanwhile (RFC 2177). */
  async idle(ms: number): Promise<Completion> {
    this.absorb();
    const tag = `v${++this.tagN}`;
    this.tracker.inProgress = { verb: 'IDLE', uid: false };
    this.tracker.note(`C: ${tag} IDLE`);
    this.socket.write(`${tag} IDLE\r\n`);
    try {
      for (;;) {
        const r = await this.next(10_000);
        if (r.startsWith('+')) break;
        if (r.startsWith('* ')) this.tracker.apply(r.slice(2));
        else this.tracker.fail(`unexpected response to IDLE: ${r}`);
      }
      const until = Date.now() + ms;
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, Math.max(1, Math.min(10, until - Date.now()))));
        while (this.responses.length) {
          const r = this.responses.shift()!;
          if (r.startsWith('* ')) this.tracker.apply(r.slice(2));
        }
      }
      this.tracker.note('C: DONE');
      this.socket.write('DONE\r\n');
      for (;;) {
        const r = await this.next(10_000);
        if (r.startsWith('* ')) this.tracker.apply(r.slice(2));
        else if (r.startsWith(`${tag} `)) {
          this.tracker.note(`S: ${r}`);
          const m = /^\S+ (OK|NO|BAD) ?(.*)$/s.exec(r)!;
          return { tag, status: m[1] as Completion['status'], text: m[2]!, untagged: [] };
        } else this.tracker.fail(`unexpected response to DONE: ${r}`);
      }
    } finally {
      this.tracker.inProgress = null;
    }
  }

  /** The greeting, then LOGIN. */
  async login(user: string, password: string): Promise<void> {
    const greeting = await this.next(10_000);
    if (!greeting.startsWith('* OK')) this.tracker.fail(`greeting: ${greeting}`);
    const r = await this.command(`LOGIN "${user}" "${password}"`);
    if (r.status !== 'OK') this.tracker.fail(`LOGIN: ${r.status} ${r.text}`);
  }

  close(): void {
    this.socket.destroy();
  }
}
