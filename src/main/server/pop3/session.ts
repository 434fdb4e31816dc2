// One POP3 connection (RFC 1939): reads bounded command lines, runs them one at a time through the
// command map (pipelined commands simply queue), and owns the maildrop lock while in TRANSACTION.
// A dropped connection never reaches UPDATE, so it deletes nothing.
import net from 'node:net';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { pop3ServerLimits } from '../../base/limits.ts';
import { isLoopback } from '../../base/net.ts';
import type { Logger } from '../../base/log.ts';
import type { ServerContext } from '../context.ts';
import type { MailboxHandle } from '../../maildir/types.ts';
import { isHearthError } from '../../../shared/errors.ts';
import { LineSplitter, parseCommandLine } from './protocol/line-parser.ts';
import type { SplitLine } from './protocol/line-parser.ts';
import { DotStuffer } from './protocol/dot-stuffer.ts';
import { Pop3CommandError, err } from './command-types.ts';
import type { Pop3State } from './command-types.ts';
import { pop3Commands } from './commands/index.ts';
import { tryLockMaildrop, unlockMaildrop } from './maildrop-lock.ts';

export interface Pop3ServerOptions {
  /**
   * Accept USER/PASS and AUTH PLAIN without TLS from loopback clients (default true). From any
   * other address plain authentication needs STLS or implicit TLS.
   */
  allowPlainAuthOnLoopback?: boolean;
  /**
   * Optional RFC 1939 commands this listener does not offer (e.g. ['UIDL', 'TOP']): some servers
   * in the wild lack them, and clients must be tested against such servers too.
   */
  withoutCommands?: readonly string[];
}

export interface Pop3SessionShared {
  ctx: ServerContext;
  secureContext: tls.SecureContext;
  options: Pop3ServerOptions;
  log: Logger;
}

/** A message as this session sees it: numbered from 1 in the snapshot taken at login. */
export interface MaildropEntry {
  uid: number;
  size: number;
}

export class Pop3Session {
  state: Pop3State = 'authorization';
  secure: boolean;
  /** Name given by USER, waiting for PASS. */
  pendingUser: string | null = null;
  /** The logged-in user's address. */
  address: string | null = null;
  mailbox: MailboxHandle | null = null;
  /** Snapshot at login; index + 1 is the message number. */
  messages: MaildropEntry[] = [];
  /** Message numbers marked by DELE. */
  readonly deleted = new Set<number>();
  readonly log: Logger;
  readonly remoteAddress: string;

  private readonly shared: Pop3SessionShared;

  /** Optional commands this listener leaves out (see Pop3ServerOptions.withoutCommands). */
  get withoutCommands(): readonly string[] {
    return this.shared.options.withoutCommands ?? [];
  }
  private socket: net.Socket;
  private splitter = new LineSplitter(pop3ServerLimits.maxLineBytes);
  private readonly queue: SplitLine[] = [];
  private wakeReader: (() => void) | null = null;
  private closed = false;
  private lockHeld = false;
  private authFailures = 0;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  constructor(shared: Pop3SessionShared, socket: net.Socket, secure: boolean) {
    this.shared = shared;
    this.socket = socket;
    this.secure = secure;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.log = shared.log.child({ remote: this.remoteAddress });
  }

  get ctx(): ServerContext {
    return this.shared.ctx;
  }

  /** Sends the greeting and serves commands until the connection ends. */
  async run(): Promise<void> {
    this.attach(this.socket);
    this.send(`+OK ${this.ctx.hostname} Hearth POP3 ready`);
    try {
      for (;;) {
        const item = await this.nextLine();
        if (item === null) break;
        await this.execute(item);
      }
    } catch (e) {
      this.log.error('pop3 session failed', { err: e });
    } finally {
      this.releaseLock();
      this.close();
    }
  }

  // ---- what commands use ------------------------------------------------------------------------

  /** USER/PASS and AUTH PLAIN send the password as is: only over TLS, or from this computer. */
  plainAuthAllowed(): boolean {
    if (this.secure) return true;
    return (this.shared.options.allowPlainAuthOnLoopback ?? true) && isLoopback(this.remoteAddress);
  }

  send(line: string): boolean {
    if (this.closed) return false;
    return this.socket.write(line + '\r\n');
  }

  ok(text = ''): void {
    this.send(text ? `+OK ${text}` : '+OK');
  }

  /** The next line from the client, for SASL continuations; null if the connection ended. */
  async readContinuation(): Promise<string | null> {
    const item = await this.nextLine();
    if (item === null) return null;
    return 'line' in item ? item.line : '';
  }

  /** The entry for a message number that exists and is not marked deleted. */
  message(n: number): MaildropEntry {
    const entry = this.messages[n - 1];
    if (!entry || this.deleted.has(n)) throw err(`No such message`);
    return entry;
  }

  /** POP3 unique id: stable while the mailbox keeps its UIDVALIDITY (Dovecot's %08Xu%08Xv form). */
  uidl(entry: MaildropEntry): string {
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
    return hex(entry.uid) + hex(this.mailbox!.uidValidity);
  }

  /** Checks a password, takes the maildrop lock and snapshots INBOX: AUTHORIZATION → TRANSACTION. */
  async login(address: string, password: string): Promise<void> {
    const user = await this.ctx.users.authenticate(address, password).catch((e: unknown) => {
      this.log.error('pop3 user lookup failed', { err: e });
      throw err('Authentication is temporarily unavailable', 'SYS/TEMP');
    });
    if (!user) {
      this.authFailures++;
      this.log.info('pop3 login failed', { user: address });
      await sleep(pop3ServerLimits.authFailureDelayMs);
      if (this.authFailures >= pop3ServerLimits.maxAuthFailures) {
        this.send('-ERR [AUTH] Invalid user name or password; too many attempts');
        this.close();
      }
      throw err('Invalid user name or password', 'AUTH');
    }
    if (!tryLockMaildrop(this.ctx.store, user.address)) throw err('The mailbox is in use by another POP3 session', 'IN-USE');
    this.lockHeld = true;
    this.address = user.address;
    try {
      const userStore = await this.ctx.store.user(user.address);
      this.mailbox = await userStore.openMailbox('INBOX');
      const metas = await this.mailbox.listMessages();
      this.messages = metas.map((m) => ({ uid: m.uid, size: m.size }));
    } catch (e) {
      this.releaseLock();
      this.address = null;
      this.mailbox = null;
      this.log.error('pop3 maildrop open failed', { err: e });
      throw err('The mailbox cannot be opened right now', 'SYS/TEMP');
    }
    this.state = 'transaction';
    this.log.info('pop3 login', { user: user.address, messages: this.messages.length });
  }

  /**
   * Sends one message (or, for TOP, its header and `bodyLines` lines) as a multi-line reply,
   * byte-stuffed and streamed from the store. The +OK goes out only once the message is open.
   */
  async sendMessage(entry: MaildropEntry, bodyLines?: number): Promise<void> {
    let stream: Readable;
    try {
      stream = await this.mailbox!.readMessage(entry.uid);
    } catch (e) {
      if (isHearthError(e) && e.code === 'MESSAGE_GONE') throw err('The message was removed by another session');
      throw e;
    }
    const stuffer = new DotStuffer(bodyLines);
    this.send(bodyLines === undefined ? `+OK ${entry.size} octets` : '+OK top of message follows');
    try {
      for await (const chunk of stream) {
        const out = stuffer.feed(chunk as Buffer);
        if (out.length > 0 && !this.socket.write(out)) await this.drained();
        if (this.closed) return;
        if (stuffer.done) break;
      }
    } catch (e) {
      // The +OK is out: the only honest way to fail now is to drop the connection, so the client
      // never takes a cut message for a whole one.
      this.log.error('pop3 message read failed mid-reply', { err: e, uid: entry.uid });
      this.socket.destroy();
      this.close();
      return;
    } finally {
      stream.destroy();
    }
    this.socket.write(stuffer.end());
  }

  /** RFC 2595: answer +OK, then the TLS handshake on the same connection. */
  startTls(): void {
    const raw = this.socket;
    raw.removeListener('data', this.onData);
    raw.pause();
    // Anything the client pipelined after STLS was sent in the clear: drop it (no command injection).
    this.queue.length = 0;
    this.splitter = new LineSplitter(pop3ServerLimits.maxLineBytes);
    this.ok('Begin TLS negotiation');
    raw.removeAllListeners('timeout');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    raw.on('error', () => {});
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: this.shared.secureContext });
    this.socket = secure;
    this.secure = true;
    this.attach(secure);
  }

  /** QUIT in TRANSACTION: UPDATE removes the messages marked deleted, then the lock goes. */
  async update(): Promise<number> {
    const uids = [...this.deleted].sort((a, b) => a - b).map((n) => this.messages[n - 1]!.uid);
    try {
      if (uids.length > 0) await this.mailbox!.remove(uids, { origin: this });
      return uids.length;
    } finally {
      this.releaseLock();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
    // Give the last reply a moment to leave, then make sure the socket is gone.
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.wakeReader?.();
  }

  // ---- internals ---------------------------------------------------------------------------------

  private attach(socket: net.Socket): void {
    socket.setTimeout(pop3ServerLimits.idleTimeoutMs);
    socket.on('data', this.onData);
    socket.on('timeout', () => {
      this.send('-ERR [SYS/PERM] Autologout: idle for too long');
      this.close();
    });
    socket.on('error', (e) => this.log.debug('pop3 socket error', { err: e }));
    socket.on('close', () => {
      this.closed = true;
      this.wakeReader?.();
    });
  }

  private receive(chunk: Buffer): void {
    for (const item of this.splitter.push(chunk)) this.queue.push(item);
    if (this.queue.length > pop3ServerLimits.maxQueuedLines) this.socket.pause();
    this.wakeReader?.();
  }

  private async nextLine(): Promise<SplitLine | null> {
    for (;;) {
      if (this.closed) return null;
      const item = this.queue.shift();
      if (item) {
        if (this.queue.length < pop3ServerLimits.maxQueuedLines / 2 && this.socket.isPaused()) this.socket.resume();
        return item;
      }
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
      this.wakeReader = null;
    }
  }

  private async execute(item: SplitLine): Promise<void> {
    if (!('line' in item)) {
      this.send('-ERR Line too long');
      return;
    }
    const parsed = parseCommandLine(item.line);
    if (!parsed.ok) {
      this.send(`-ERR ${parsed.error}`);
      return;
    }
    const { verb, args } = parsed.command;
    const spec = this.shared.options.withoutCommands?.includes(verb) ? undefined : pop3Commands.get(verb);
    if (!spec) {
      this.send('-ERR Unknown command');
      return;
    }
    if (!spec.states.includes(this.state)) {
      this.send(`-ERR ${verb} is not allowed ${this.state === 'authorization' ? 'before login' : 'after login'}`);
      return;
    }
    if (args.length < spec.args[0] || args.length > spec.args[1]) {
      this.send(`-ERR Wrong number of arguments for ${verb}`);
      return;
    }
    try {
      await spec.handler({ session: this, verb, args });
    } catch (e) {
      if (e instanceof Pop3CommandError) {
        this.send(`-ERR ${e.responseCode ? `[${e.responseCode}] ` : ''}${e.message}`);
      } else {
        this.log.error('pop3 command failed', { verb, err: e });
        this.send('-ERR [SYS/TEMP] Internal error');
      }
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  private releaseLock(): void {
    if (this.lockHeld && this.address) unlockMaildrop(this.ctx.store, this.address);
    this.lockHeld = false;
  }
}
