// One IMAP connection: reads bytes into commands, runs them one at a time through the command
// map, writes responses in order (streams included), and tells the client about other sessions'
// changes at the points where that is allowed.
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { SecureContext } from 'node:tls';
import type { Readable } from 'node:stream';
import { imapServerLimits } from '../../base/limits.ts';
import { isLoopback } from '../../base/net.ts';
import type { Logger } from '../../base/log.ts';
import type { ServerContext } from '../context.ts';
import type { UserMailStore } from '../../maildir/types.ts';
import type { User } from '../users/types.ts';
import { isHearthError } from '../../../shared/errors.ts';
import { CommandReader } from './protocol/command-reader.ts';
import type { AssembledCommand } from './protocol/command-reader.ts';
import { ImapParseError, tokenizeCommand } from './protocol/tokenizer.ts';
import { taggedLine } from './protocol/response.ts';
import { CommandError } from './command-types.ts';
import type { CommandResult, SessionState } from './command-types.ts';
import { commands } from './commands/index.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';

import type { StructureCache } from './message-structure-cache.ts';

/** An empty write whose callback marks the point where every earlier write is done. */
const EMPTY = Buffer.alloc(0);
/** send() joins more parts than this into one buffer, when they hold at most JOIN_BYTES_MAX. */
const JOIN_PARTS_OVER = 8;
const JOIN_BYTES_MAX = 1024 * 1024;

/** The parts' bytes (strings as UTF-8) in one buffer. */
function joinParts(parts: ReadonlyArray<string | Buffer>): Buffer {
  let size = 0;
  for (const p of parts) size += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of parts) at += typeof p === 'string' ? out.write(p, at) : p.copy(out, at);
  return out;
}

/** Bytes written ahead of a slow reader before waiting for it (per connection). */
const OUTPUT_HIGH_WATER = 1024 * 1024;

/** Response bytes; a stream part must yield exactly `length` bytes (announced in a literal). */
export type OutputPart = string | Buffer | { stream: Readable; length: number };

export interface SessionShared {
  ctx: ServerContext;
  secureContext: SecureContext;
  structures: StructureCache;
  /** How long IDLE gathers other sessions' changes before it sends them (imapServerLimits). */
  idleNotifyDelayMs: number;
}

let nextSessionId = 1;

export class ImapSession {
  readonly id = nextSessionId++;
  readonly shared: SessionShared;
  readonly log: Logger;
  socket: Socket;
  secure: boolean;
  /** The client's address, kept from the plain socket (STARTTLS replaces `socket`). */
  readonly remoteAddress: string | undefined;
  state: SessionState = 'notAuthenticated';
  user: User | null = null;
  mail: UserMailStore | null = null;
  selected: SelectedMailbox | null = null;
  /**
   * Extensions the client turned on with ENABLE (or implicitly, e.g. CONDSTORE by a MODSEQ fetch).
   * ENABLE QRESYNC turns CONDSTORE on too (RFC 7162 3.2.3), so `condstore` alone says whether it is on.
   */
  condstore = false;
  qresync = false;
  utf8 = false;
  authFailures = 0;
  private badCommands = 0;
  private reader: CommandReader;
  private queue: AssembledCommand[] = [];
  private queuedBytes = 0;
  /** Response bytes handed to send() and not yet written to the socket. */
  private pendingOutputBytes = 0;
  private waiters: Array<(c: AssembledCommand | null) => void> = [];
  private processing = false;
  private closed = false;
  private output: Promise<void> = Promise.resolve();
  /** Sends waiting in (or running on) the output chain; while there are none, send() writes at once. */
  private outputQueued = 0;
  /** The socket send() corked until the next tick, if any. */
  private corked: Socket | null = null;
  /** Set while IDLE runs: flush changes as they come. */
  idling = false;
  /** The flush in progress, if any (flushUpdates). */
  private flushing: Promise<void> = Promise.resolve();
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  constructor(shared: SessionShared, socket: Socket, secure: boolean) {
    this.shared = shared;
    this.socket = socket;
    this.secure = secure;
    this.remoteAddress = socket.remoteAddress;
    this.log = shared.ctx.log.child({ imapSession: this.id, remote: socket.remoteAddress });
    this.reader = new CommandReader(imapServerLimits);
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('error', (err) => this.log.debug('imap socket error', { err }));
    socket.on('close', () => this.shutdown());
    socket.setTimeout(imapServerLimits.preAuthIdleMs, () => {
      this.send([`* BYE Idle for too long\r\n`]);
      void this.output.then(() => socket.end());
      setTimeout(() => socket.destroy(), 2000).unref();
    });
  }

  start(): void {
    this.send([`* OK [CAPABILITY ${this.capabilities().join(' ')}] Hearth IMAP ready\r\n`]);
  }

  capabilities(): string[] {
    const caps = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE'];
    if (!this.secure) caps.push('STARTTLS');
    if (this.state === 'notAuthenticated') {
      // RFC 3501 6.2.3 / RFC 9051 7.1: no password in the clear from another machine.
      caps.push(this.passwordAllowed() ? 'AUTH=PLAIN' : 'LOGINDISABLED');
      return caps;
    }
    caps.push(
      'UIDPLUS',
      'MOVE',
      'UNSELECT',
      'CHILDREN',
      'SPECIAL-USE',
      'CREATE-SPECIAL-USE',
      'LIST-EXTENDED',
      'LIST-STATUS',
      'CONDSTORE',
      'QRESYNC',
      'ESEARCH',
      'SORT',
      'ESORT',
      'CONTEXT=SEARCH', // RFC 5267 4: RETURN (UPDATE) keeps results live (search-context.ts)
      'CONTEXT=SORT',
      'THREAD=ORDEREDSUBJECT',
      'THREAD=REFERENCES',
      'BINARY',
      'UTF8=ACCEPT',
      'MULTIAPPEND',
      'CATENATE',
      'STATUS=SIZE',
      'QUOTA', // RFC 9208: GETQUOTA/GETQUOTAROOT, one root "" per account (commands/quota.ts)
      'QUOTA=RES-STORAGE',
    );
    return caps;
  }

  /** A password may be sent: over TLS, or from this computer (loopback). */
  passwordAllowed(): boolean {
    return this.secure || isLoopback(this.remoteAddress);
  }

  // ---- input ----

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    let events;
    const reader = this.reader;
    try {
      events = reader.push(chunk);
    } catch (err) {
      this.fatal(err);
      return;
    }
    for (const ev of events) {
      // STARTTLS replaced the reader: the rest of this plaintext chunk must not be executed.
      if (this.reader !== reader) return;
      if (ev.kind === 'continue') this.send(['+ Ready for literal data\r\n']);
      else if (ev.kind === 'error') {
        if (ev.fatal) {
          this.send([`* BYE ${ev.reason}\r\n`]);
          this.close();
          return;
        }
        this.enqueue({ error: ev.reason, tag: ev.tag });
      } else this.enqueue(ev.command);
    }
    // Too many commands (or literal bytes) waiting: stop reading until they are done, so a
    // pipelining client cannot grow our memory.
    if (this.queue.length > 100 || this.queuedBytes > imapServerLimits.maxCommandBytes) this.socket.pause();
  }

  private enqueue(item: AssembledCommand | { error: string; tag: string | null }): void {
    if ('error' in item) {
      // Fold reader errors into the command queue so replies stay in order.
      const text = Buffer.from(`${item.tag ?? '*'} ${'\0'}${item.error}`);
      this.pushCommand({ fragments: [text], literals: [] });
      return;
    }
    this.pushCommand(item);
  }

  private pushCommand(cmd: AssembledCommand): void {
    const w = this.waiters.shift();
    if (w) w(cmd);
    else {
      this.queue.push(cmd);
      this.queuedBytes += commandBytes(cmd);
    }
    if (!this.processing) void this.process();
  }

  /** The next raw line from the client (SASL responses, IDLE's DONE); null when the connection closes. */
  readLine(): Promise<string | null> {
    const next = this.queue.shift();
    if (next) {
      this.queuedBytes -= commandBytes(next);
      return Promise.resolve(rawLine(next));
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push((c) => resolve(c ? rawLine(c) : null)));
  }

  private async process(): Promise<void> {
    this.processing = true;
    try {
      while (!this.closed && this.queue.length) {
        const cmd = this.queue.shift()!;
        this.queuedBytes -= commandBytes(cmd);
        if (this.queue.length < 50 && this.queuedBytes < imapServerLimits.maxCommandBytes / 2 && this.socket.isPaused()) this.socket.resume();
        await this.runCommand(cmd);
      }
    } catch (err) {
      this.fatal(err);
    } finally {
      this.processing = false;
    }
  }

  private async runCommand(raw: AssembledCommand): Promise<void> {
    const first = raw.fragments[0]!;
    const nul = first.indexOf(0);
    if (nul > 0 && raw.fragments.length === 1) {
      // A reader error folded in by enqueue().
      const tag = first.toString('latin1', 0, nul - 1);
      this.replyBad(tag === '*' ? null : tag, first.toString('latin1', nul + 1));
      return;
    }
    let parsed;
    try {
      parsed = tokenizeCommand(raw);
    } catch (err) {
      if (err instanceof ImapParseError) {
        if (first.length === 0) return; // empty lines are ignored
        this.replyBad(err.tag, err.message);
        return;
      }
      throw err;
    }
    const uid = parsed.name.startsWith('UID ');
    const spec = commands[parsed.name];
    if (!spec) {
      this.replyBad(parsed.tag, `Unknown command ${parsed.name.slice(0, 30)}`);
      return;
    }
    if (!spec.states.includes(this.state)) {
      this.replyBad(parsed.tag, `${parsed.name} is not allowed now`);
      return;
    }
    let result: CommandResult | void;
    try {
      result = await spec.handler({ session: this, tag: parsed.tag, name: uid ? parsed.name.slice(4) : parsed.name, uid, args: parsed.args });
    } catch (err) {
      if (err instanceof CommandError) result = { status: err.status, text: err.message, ...(err.code ? { code: err.code } : {}) };
      else if (isHearthError(err)) result = { status: 'NO', ...storeErrorReply(err.code, err.message) };
      else {
        this.log.error('imap command failed', { command: parsed.name, err });
        result = { status: 'NO', code: 'SERVERBUG', text: 'Internal error' };
      }
    }
    if (this.closed) return;
    const status = result?.status ?? 'OK';
    if (status === 'BAD') this.noteBad();
    else this.badCommands = 0;
    // Untagged updates for other sessions' changes before the tagged reply.
    if (this.selected && this.state === 'selected' && spec.reportsChanges !== false) {
      // RFC 3501 7.4.1: no EXPUNGE during FETCH, STORE or SEARCH; "An EXPUNGE response MAY be
      // sent during a UID command" (Dovecot sends them at the end of UID FETCH/STORE/SEARCH too).
      const allow = spec.allowExpunge !== false || uid;
      await this.flushUpdates(allow);
      if (this.closed) return;
    }
    if (!result?.replied) this.send([taggedLine(parsed.tag, status, result?.text ?? `${parsed.name} completed`, result?.code)]);
    if (this.state === 'logout') this.close();
  }

  private replyBad(tag: string | null, text: string): void {
    this.send([taggedLine(tag ?? '*', 'BAD', text)]);
    this.noteBad();
  }

  private noteBad(): void {
    if (++this.badCommands >= imapServerLimits.maxBadCommands) {
      this.send(['* BYE Too many invalid commands\r\n']);
      this.close();
    }
  }

  /**
   * Send untagged EXISTS/EXPUNGE/FETCH (and ESEARCH for live search contexts) for the changes
   * queued so far. Flushes run one at a time: reading what the contexts need to evaluate is
   * asynchronous, and IDLE may start one while another is still reading.
   */
  flushUpdates(allowExpunge: boolean): Promise<void> {
    const run = this.flushing.then(() => this.flushNow(allowExpunge));
    this.flushing = run.catch(() => {});
    return run;
  }

  private async flushNow(allowExpunge: boolean): Promise<void> {
    const sel = this.selected;
    if (!sel || this.closed) return;
    const count = await sel.prepareContexts(this);
    // A SELECT or CLOSE cannot run meanwhile (flushes belong to a command or to IDLE), but the
    // connection can close.
    if (this.selected !== sel || this.closed) return;
    const lines = sel.drain(allowExpunge, { condstore: this.condstore, qresync: this.qresync }, count);
    if (sel.gone) {
      this.send([...lines, '* BYE The selected mailbox was deleted or renamed\r\n']);
      this.close();
      return;
    }
    if (lines.length) this.send(lines);
  }

  /** Untagged FLAGS for keywords the client has not been told of (before a FETCH may show them). */
  announceKeywords(): void {
    const lines = this.selected?.announceKeywords();
    if (lines?.length) this.send(lines);
  }

  // ---- output ----

  /**
   * Queue response parts; they are written in order. Resolves when written. `written`, if given,
   * is called once the socket no longer needs the parts' bytes (handed to the kernel, or the
   * connection is gone): a caller that owns a buffer it sent may then fill it again.
   */
  send(parts: OutputPart[], written?: () => void): Promise<void> {
    const socket = this.socket;
    let bytes = 0;
    for (const p of parts) if (typeof p === 'string' || Buffer.isBuffer(p)) bytes += p.length;
    // A client that stops reading while changes keep coming (IDLE) is dropped, not buffered for.
    if (this.pendingOutputBytes + socket.writableLength > imapServerLimits.maxOutputBacklogBytes) {
      this.log.warn('imap client not reading; closing', { backlog: this.pendingOutputBytes + socket.writableLength });
      socket.destroy();
      written?.();
      return this.output;
    }
    // Write callbacks come in order: one on an empty write after the parts says they are done.
    let handedOver = false;
    const markWritten = () => {
      const done = written;
      if (!done || handedOver) return;
      handedOver = true;
      socket.write(EMPTY, () => done());
    };
    // Nothing ahead in the chain and no stream to copy: write now into a corked socket, so that
    // everything a command answers (untagged lines, then the tagged one) leaves as one segment.
    if (this.outputQueued === 0 && socket.writableLength <= OUTPUT_HIGH_WATER && parts.every((p) => typeof p === 'string' || Buffer.isBuffer(p))) {
      if (socket.destroyed) {
        written?.();
        return this.output;
      }
      if (this.corked !== socket) {
        this.uncorkNow();
        this.corked = socket;
        socket.cork();
        process.nextTick(() => this.uncorkNow());
      }
      // Many small parts (a FETCH's responses: lines, names and serialised structures) are copied
      // into one buffer, one write instead of a writev of thousands of chunks; runs of strings
      // (untagged lines) otherwise become one write.
      if (parts.length > JOIN_PARTS_OVER && bytes <= JOIN_BYTES_MAX) socket.write(joinParts(parts as Array<string | Buffer>));
      else {
        let text = '';
        for (const p of parts) {
          if (typeof p === 'string') text += p;
          else {
            if (text) socket.write(text);
            text = '';
            socket.write(p as Buffer);
          }
        }
        if (text) socket.write(text);
      }
      markWritten();
      return this.output;
    }
    this.pendingOutputBytes += bytes;
    this.outputQueued++;
    const run = async (): Promise<void> => {
      if (socket.destroyed) return;
      // Runs of buffered parts go out as one writev.
      let corked = false;
      const uncork = () => {
        if (corked) socket.uncork();
        corked = false;
      };
      for (const p of parts) {
        if (typeof p === 'string' || Buffer.isBuffer(p)) {
          if (!corked) {
            socket.cork();
            corked = true;
          }
          socket.write(p);
          // Wait for the client only when a real backlog builds up: stopping at every 16 KB
          // (the socket's high-water mark) would stall between every message of a FETCH.
          if (socket.writableLength > OUTPUT_HIGH_WATER) {
            uncork();
            await waitDrain(socket);
          }
        } else {
          uncork();
          // The literal's length is already announced: keep the stream of bytes in step even if
          // the file ends early or fails (pad with spaces) or is longer (cut).
          let left = p.length;
          try {
            for await (const chunk of p.stream) {
              if (socket.destroyed || left <= 0) break;
              const c = (chunk as Buffer).length > left ? (chunk as Buffer).subarray(0, left) : (chunk as Buffer);
              left -= c.length;
              socket.write(c);
              if (socket.writableLength > OUTPUT_HIGH_WATER) await waitDrain(socket);
            }
          } catch (err) {
            this.log.warn('imap message stream failed', { err });
          } finally {
            p.stream.destroy();
          }
          if (left > 0 && !socket.destroyed) socket.write(Buffer.alloc(left, 0x20));
        }
      }
      if (!socket.destroyed) markWritten();
      uncork();
    };
    this.output = this.output
      .then(run)
      .finally(() => {
        this.pendingOutputBytes -= bytes;
        this.outputQueued--;
        // Not handed to the socket (it closed first): nothing holds the parts any more.
        if (!handedOver) written?.();
      })
      .catch((err) => {
        this.log.warn('imap write failed', { err });
        socket.destroy();
      });
    return this.output;
  }

  /** Lets out what send() corked (before the socket changes hands, as STARTTLS does). */
  private uncorkNow(): void {
    const socket = this.corked;
    this.corked = null;
    socket?.uncork();
  }

  /** Await everything queued so far. */
  flushOutput(): Promise<void> {
    return this.output;
  }

  // ---- state changes ----

  authenticated(user: User, mail: UserMailStore): void {
    this.user = user;
    this.mail = mail;
    this.state = 'authenticated';
    this.socket.setTimeout(imapServerLimits.authIdleMs);
    this.log.info('imap login', { user: user.address });
  }

  deselect(): void {
    if (this.selected) this.selected.close();
    this.selected = null;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  /** STARTTLS: after the OK is written, wrap the socket; bytes the client sent early are dropped. */
  async upgradeToTls(okLine: string): Promise<void> {
    const plain = this.socket;
    // Stop reading plaintext before the OK goes out: the next bytes are the TLS handshake.
    plain.removeListener('data', this.onData);
    plain.removeAllListeners('timeout');
    plain.pause();
    // Anything the client sent after STARTTLS in plaintext is dropped (RFC 3501 11.1 / CVE-2011-0411 style injection).
    this.queue = [];
    this.queuedBytes = 0;
    this.reader = new CommandReader(imapServerLimits);
    await this.send([okLine]);
    // The OK must leave in plaintext, ahead of the handshake.
    this.uncorkNow();
    const tls = new TLSSocket(plain, { isServer: true, secureContext: this.shared.secureContext });
    this.socket = tls;
    this.secure = true;
    tls.on('data', this.onData);
    tls.on('error', (err) => {
      this.log.debug('imap tls error', { err });
      this.close();
    });
    tls.setTimeout(imapServerLimits.preAuthIdleMs, () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    void this.output.finally(() => {
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
    this.shutdown();
  }

  private shutdown(): void {
    this.closed = true;
    this.deselect();
    for (const w of this.waiters.splice(0)) w(null);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** End the session after an internal error (logged; the client gets BYE). */
  fail(err: unknown): void {
    this.fatal(err);
  }

  private fatal(err: unknown): void {
    this.log.error('imap session failed', { err });
    this.send(['* BYE Internal server error\r\n']);
    this.close();
  }
}

function commandBytes(c: AssembledCommand): number {
  let n = 0;
  for (const f of c.fragments) n += f.length;
  for (const l of c.literals) n += l.length;
  return n;
}

function rawLine(c: AssembledCommand): string {
  return c.fragments.map((f) => f.toString('utf8')).join('');
}

function waitDrain(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

function storeErrorReply(code: string, message: string): { code?: string; text: string } {
  switch (code) {
    case 'MAILBOX_NOT_FOUND':
      return { code: 'NONEXISTENT', text: message };
    case 'MAILBOX_EXISTS':
      return { code: 'ALREADYEXISTS', text: message };
    case 'MESSAGE_GONE':
      return { code: 'EXPUNGEISSUED', text: message };
    case 'DISK_FULL':
    case 'QUOTA':
      return { code: 'OVERQUOTA', text: message };
    case 'INVALID_ARGUMENT':
      return { code: 'CANNOT', text: message };
    default:
      return { code: 'SERVERBUG', text: 'Storage error' };
  }
}
