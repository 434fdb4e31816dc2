// Hearth's POP3 client (RFC 1939, CAPA RFC 2449, STLS RFC 2595, AUTH PLAIN RFC 5034, response codes
// RFC 3206). Replies are decoded as they arrive; RETR hands out a Readable of the unstuffed message so
// a large message is never held whole. With PIPELINING, commands are written ahead of their replies.
import net from 'node:net';
import tls from 'node:tls';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { HearthError } from '../../../shared/errors.ts';
import { pop3ClientLimits } from '../../base/limits.ts';
import { isLoopback, toNetworkError } from '../../base/net.ts';
import { silentLogger } from '../../base/log.ts';
import type { Logger } from '../../base/log.ts';
import { DotUnstuffer } from './dot-unstuffer.ts';
import { apopDigest } from './apop.ts';
import { apopTimestamp, errorFromStatus, parseCapabilities, parseScanLine, parseStatusLine } from './response.ts';
import type { FailureContext, StatusLine } from './response.ts';
import { trustOptions } from '../../base/tls-trust.ts';

export type Pop3Security = 'tls' | 'starttls' | 'none';

export interface Pop3ClientOptions {
  host: string;
  port: number;
  /** 'tls' = implicit TLS (995), 'starttls' = STLS after the greeting, 'none' = plain (loopback only). */
  security: Pop3Security;
  /** Extra CA certificate(s) to trust (PEM), e.g. a household server's self-signed certificate. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** A certificate the user trusted after seeing it (SHA-256 fingerprint): accepted whatever names it carries. */
  trustedFingerprint256?: string;
  /** TLS server name to verify; defaults to host. */
  servername?: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  log?: Logger;
}

export type Pop3AuthMethod = 'auto' | 'user' | 'plain' | 'apop';

export interface Pop3Stat {
  count: number;
  size: number;
}
export interface Pop3ListEntry {
  msg: number;
  size: number;
}
export interface Pop3UidlEntry {
  msg: number;
  uid: string;
}

type ReplyKind = 'single' | 'collect' | 'stream';

interface Reply {
  status: StatusLine;
  /** 'collect': the unstuffed body. */
  body?: Buffer;
  /** 'stream': the body as it arrives. */
  stream?: Readable;
}

interface PendingCommand {
  /** Wire form without CRLF; null for the greeting. */
  line: string | null;
  /** What the log may show instead of `line` (credentials never logged). */
  logLine: string;
  kind: ReplyKind;
  context: FailureContext;
  resolve: (reply: Reply) => void;
  reject: (err: HearthError) => void;
  /** The +OK line of a multi-line reply, kept until its body is complete. */
  status?: StatusLine;
}

export class Pop3Client {
  /** The server greeting line (without "+OK "). */
  greeting = '';
  /** CAPA result (upper-cased names); empty if the server has no CAPA. */
  capabilities = new Map<string, string[]>();
  /** True once the connection is encrypted. */
  secure = false;

  private readonly opts: Pop3ClientOptions;
  private readonly log: Logger;
  private readonly commandTimeoutMs: number;
  private socket: net.Socket | tls.TLSSocket;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: PendingCommand[] = [];
  private readonly inflight: PendingCommand[] = [];
  /** Body decoding state of the reply at the head of `inflight`, once its +OK has arrived. */
  private body: { unstuffer: DotUnstuffer; chunks: Buffer[]; size: number; stream: Readable | null } | null = null;
  private pipelining = false;
  private closedError: HearthError | null = null;
  /** The socket is paused because a RETR consumer is not keeping up. */
  private pausedForConsumer = false;
  private upgrading = false;

  private constructor(opts: Pop3ClientOptions, socket: net.Socket) {
    this.opts = opts;
    this.log = (opts.log ?? silentLogger).child({ pop3: `${opts.host}:${opts.port}` });
    this.commandTimeoutMs = opts.commandTimeoutMs ?? pop3ClientLimits.commandTimeoutMs;
    this.socket = socket;
  }

  /** Connects, reads the greeting, upgrades with STLS when asked, and reads CAPA. */
  static async connect(opts: Pop3ClientOptions): Promise<Pop3Client> {
    if (opts.security === 'none' && !isLoopback(opts.host)) {
      throw new HearthError('PLAINTEXT_REFUSED', `Refusing an unencrypted POP3 connection to ${opts.host}`);
    }
    const connectTimeoutMs = opts.connectTimeoutMs ?? pop3ClientLimits.connectTimeoutMs;
    const socket =
      opts.security === 'tls' ? tls.connect({ host: opts.host, port: opts.port, ...tlsOptions(opts) }) : net.connect({ host: opts.host, port: opts.port });
    const client = new Pop3Client(opts, socket);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new HearthError('TIMEOUT', `No POP3 greeting from ${opts.host}:${opts.port} within ${connectTimeoutMs} ms`);
        client.fail(err);
        reject(err);
      }, connectTimeoutMs);
    });
    try {
      await Promise.race([client.start(), timeout]);
    } catch (err) {
      client.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return client;
  }

  private async start(): Promise<void> {
    const opts = this.opts;
    this.attach(this.socket, opts.security === 'tls');
    // Wait for the greeting from the start, so no early byte finds nobody listening.
    const greetingReply = this.enqueue(null, 'single', 'command');
    greetingReply.catch(() => {});
    if (opts.security === 'tls') {
      await new Promise<void>((resolve, reject) => {
        this.socket.once('secureConnect', resolve);
        this.socket.once('error', reject);
      }).catch((err: unknown) => {
        throw this.networkError(err, true);
      });
      this.secure = true;
    }
    const greeting = await greetingReply;
    this.greeting = greeting.status.text;
    await this.capa();
    if (opts.security === 'starttls') {
      if (!this.capabilities.has('STLS')) {
        throw new HearthError('TLS_FAILED', 'The server does not offer STLS', { response: this.greeting });
      }
      await this.startTls();
      await this.capa();
    }
  }

  /** A socket failure in the catalogue's terms; during the TLS handshake, most are the handshake failing. */
  private networkError(err: unknown, tlsHandshake: boolean): HearthError {
    return toNetworkError(err, this.opts.host, this.opts.port, { tlsHandshake });
  }

  private attach(socket: net.Socket, tlsPhase: boolean): void {
    socket.setNoDelay(true);
    socket.setTimeout(this.commandTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => {
      // Silence is only a fault while we wait for the server, not while our consumer is busy.
      if (this.inflight.length > 0 && !this.pausedForConsumer) {
        this.fail(new HearthError('TIMEOUT', `The POP3 server did not answer within ${this.commandTimeoutMs} ms`));
      }
    });
    socket.on('error', (err) => this.fail(this.networkError(err, tlsPhase && !this.secure)));
    socket.on('close', () => {
      if (this.upgrading) return;
      this.fail(new HearthError('NETWORK', 'The POP3 server closed the connection'));
    });
  }

  /** RFC 2595: after +OK to STLS the TLS handshake starts on the same connection. */
  private async startTls(): Promise<void> {
    await this.enqueue('STLS', 'single', 'command');
    const raw = this.socket;
    this.upgrading = true;
    raw.removeAllListeners('data');
    raw.removeAllListeners('timeout');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    raw.on('error', () => {}); // errors surface on the TLS socket
    const secure = tls.connect({ socket: raw, ...tlsOptions(this.opts) });
    this.socket = secure;
    this.upgrading = false;
    this.attach(secure, true);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    }).catch((err: unknown) => {
      throw this.networkError(err, true);
    });
    this.secure = true;
  }

  // ---- commands -------------------------------------------------------------------------------

  /** RFC 2449 CAPA; an -ERR (server without CAPA) leaves the capabilities empty. */
  async capa(): Promise<Map<string, string[]>> {
    try {
      const reply = await this.enqueue('CAPA', 'collect', 'command');
      this.capabilities = parseCapabilities(bodyLines(reply.body!));
    } catch (err) {
      if (!(err instanceof HearthError) || err.response === undefined) throw err;
      this.capabilities = new Map();
    }
    this.pipelining = this.capabilities.has('PIPELINING');
    return this.capabilities;
  }

  /**
   * Logs in. 'auto' prefers APOP on an unencrypted link (the password never crosses it), then SASL
   * PLAIN, then USER/PASS. Wrong credentials give AUTH_FAILED; a locked maildrop MAILDROP_LOCKED.
   */
  async login(user: string, password: string, method: Pop3AuthMethod = 'auto'): Promise<void> {
    const timestamp = apopTimestamp(this.greeting);
    let chosen = method;
    if (method === 'auto') {
      const sasl = this.capabilities.get('SASL') ?? [];
      if (!this.secure && timestamp) chosen = 'apop';
      else if (sasl.map((m) => m.toUpperCase()).includes('PLAIN')) chosen = 'plain';
      else if (this.capabilities.size === 0 || this.capabilities.has('USER')) chosen = 'user';
      else if (timestamp) chosen = 'apop';
      else chosen = 'user';
    }
    switch (chosen) {
      case 'apop':
        if (!timestamp) throw new HearthError('AUTH_FAILED', 'The server does not offer APOP');
        await this.enqueue(`APOP ${user} ${apopDigest(timestamp, password)}`, 'single', 'auth', 'APOP [credentials]');
        break;
      case 'plain': {
        const token = Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
        await this.enqueue(`AUTH PLAIN ${token}`, 'single', 'auth', 'AUTH PLAIN [credentials]');
        break;
      }
      default: {
        // USER and PASS may be pipelined together; a -ERR to USER also fails PASS.
        const userReply = this.enqueue(`USER ${user}`, 'single', 'auth');
        userReply.catch(() => {});
        if (!this.pipelining) await userReply;
        const passReply = this.enqueue(`PASS ${password}`, 'single', 'auth', 'PASS [credentials]');
        passReply.catch(() => {});
        await userReply;
        await passReply;
      }
    }
    // Capabilities may differ after login (RFC 2449 section 5).
    if (this.capabilities.size > 0) await this.capa();
  }

  async stat(): Promise<Pop3Stat> {
    const { status } = await this.enqueue('STAT', 'single', 'command');
    const m = /^(\d+)\s+(\d+)/.exec(status.text);
    if (!m) throw new HearthError('PROTOCOL', 'Malformed STAT reply', { response: status.line });
    return { count: Number(m[1]), size: Number(m[2]) };
  }

  /** LIST of all messages not marked deleted. */
  async list(): Promise<Pop3ListEntry[]> {
    const reply = await this.enqueue('LIST', 'collect', 'command');
    return scanLines(reply.body!).map(([msg, size]) => ({ msg, size: Number(size) }));
  }

  /** LIST of one message; MESSAGE_GONE if it does not exist or is marked deleted. */
  async listOne(msg: number): Promise<Pop3ListEntry> {
    const { status } = await this.enqueue(`LIST ${checkMsg(msg)}`, 'single', 'message');
    const scan = parseScanLine(status.text);
    if (!scan) throw new HearthError('PROTOCOL', 'Malformed LIST reply', { response: status.line });
    return { msg: scan[0], size: Number(scan[1]) };
  }

  async uidl(): Promise<Pop3UidlEntry[]> {
    const reply = await this.enqueue('UIDL', 'collect', 'command');
    return scanLines(reply.body!).map(([msg, uid]) => ({ msg, uid }));
  }

  async uidlOne(msg: number): Promise<Pop3UidlEntry> {
    const { status } = await this.enqueue(`UIDL ${checkMsg(msg)}`, 'single', 'message');
    const scan = parseScanLine(status.text);
    if (!scan) throw new HearthError('PROTOCOL', 'Malformed UIDL reply', { response: status.line });
    return { msg: scan[0], uid: scan[1] };
  }

  /** TOP: the header, the blank line and the first `lines` body lines, unstuffed. */
  async top(msg: number, lines: number): Promise<Buffer> {
    if (!Number.isSafeInteger(lines) || lines < 0) throw new HearthError('INVALID_ARGUMENT', 'lines must be a non-negative integer', { field: 'lines' });
    const reply = await this.enqueue(`TOP ${checkMsg(msg)} ${lines}`, 'collect', 'message');
    return reply.body!;
  }

  /**
   * RETR: resolves at the +OK with a Readable of the message bytes (unstuffed, exactly as stored).
   * The stream errors (NETWORK/TIMEOUT) if the connection ends before the terminating line, so a cut
   * message is never mistaken for a whole one. Read each stream to its end: later replies queue behind it.
   */
  async retr(msg: number): Promise<Readable> {
    const reply = await this.enqueue(`RETR ${checkMsg(msg)}`, 'stream', 'message');
    return reply.stream!;
  }

  /**
   * RETR into a file: written to a temporary name beside it, fsynced, then renamed, so the file
   * exists only when the whole message arrived. Returns the number of bytes written.
   */
  async retrToFile(msg: number, filePath: string, options: { fsync?: boolean } = {}): Promise<number> {
    const tmp = `${filePath}.part-${randomBytes(4).toString('hex')}`;
    let size = 0;
    try {
      const stream = await this.retr(msg);
      stream.on('data', (c: Buffer) => (size += c.length));
      await pipeline(stream, createWriteStream(tmp, { flags: 'wx' }));
      if (options.fsync ?? true) {
        const fh = await open(tmp, 'r');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      await rename(tmp, filePath);
      return size;
    } catch (err) {
      await rm(tmp, { force: true });
      throw this.networkError(err, false);
    }
  }

  /** RETR into memory; for small messages and tests. */
  async retrBuffer(msg: number): Promise<Buffer> {
    const stream = await this.retr(msg);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  async dele(msg: number): Promise<void> {
    await this.enqueue(`DELE ${checkMsg(msg)}`, 'single', 'message');
  }

  async rset(): Promise<void> {
    await this.enqueue('RSET', 'single', 'command');
  }

  async noop(): Promise<void> {
    await this.enqueue('NOOP', 'single', 'command');
  }

  /** QUIT: in the TRANSACTION state the server now removes the messages marked deleted. */
  async quit(): Promise<void> {
    try {
      await this.enqueue('QUIT', 'single', 'command');
    } finally {
      this.socket.end();
      this.closedError ??= new HearthError('OFFLINE', 'The POP3 session has ended');
    }
  }

  /** Drops the connection without QUIT (the server keeps every message). */
  close(): void {
    this.fail(new HearthError('OFFLINE', 'The POP3 session was closed'));
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  // ---- reply machinery ------------------------------------------------------------------------

  private enqueue(line: string | null, kind: ReplyKind, context: FailureContext, logLine?: string): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      if (this.closedError) {
        reject(this.closedError);
        return;
      }
      if (line !== null && /[\r\n\0]/.test(line)) {
        reject(new HearthError('INVALID_ARGUMENT', 'A POP3 command argument contains a line break'));
        return;
      }
      const cmd: PendingCommand = { line, logLine: logLine ?? line ?? '(greeting)', kind, context, resolve, reject };
      if (line === null) this.inflight.push(cmd);
      else this.waiting.push(cmd);
      this.flush();
    });
  }

  /** Writes queued commands: all of them (up to a window) with PIPELINING, else one at a time. */
  private flush(): void {
    const limit = this.pipelining ? pop3ClientLimits.pipelineWindow : 1;
    let out = '';
    while (this.waiting.length > 0 && this.inflight.length < limit) {
      const cmd = this.waiting.shift()!;
      this.inflight.push(cmd);
      this.log.debug('pop3 command', { command: cmd.logLine });
      out += cmd.line + '\r\n';
      // STLS must be answered before anything else goes out in the clear.
      if (cmd.line === 'STLS') break;
    }
    if (out) this.socket.write(out);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.process();
    } catch (err) {
      this.fail(err instanceof HearthError ? err : new HearthError('PROTOCOL', String(err)));
    }
    this.flush();
  }

  private process(): void {
    while (this.buffer.length > 0) {
      const head = this.inflight[0];
      if (!head) throw new HearthError('PROTOCOL', 'The POP3 server sent data nobody asked for');
      if (this.body) {
        if (!this.processBody(head)) return;
        continue;
      }
      const lf = this.buffer.indexOf(0x0a);
      if (lf === -1) {
        if (this.buffer.length > pop3ClientLimits.maxLineBytes) throw new HearthError('PROTOCOL', 'The POP3 server sent an over-long line');
        return;
      }
      const line = this.buffer.subarray(0, lf).toString('utf8').replace(/\r$/, '');
      this.buffer = this.buffer.subarray(lf + 1);
      const status = parseStatusLine(line);
      if (!status) throw new HearthError('PROTOCOL', 'The POP3 server sent something other than +OK/-ERR', { response: line.slice(0, 200) });
      if (!status.ok) {
        this.inflight.shift();
        this.log.debug('pop3 -ERR', { command: head.logLine, response: status.line });
        head.reject(errorFromStatus(status, head.context));
        continue;
      }
      if (head.kind === 'single') {
        this.inflight.shift();
        head.resolve({ status });
        continue;
      }
      const stream = head.kind === 'stream' ? this.newBodyStream() : null;
      this.body = { unstuffer: new DotUnstuffer(), chunks: [], size: 0, stream };
      if (stream) head.resolve({ status, stream });
      else head.status = status;
    }
  }

  /** Feeds buffered bytes to the current multi-line reply. Returns false to wait for more input. */
  private processBody(head: PendingCommand): boolean {
    const body = this.body!;
    const { parts, done, rest } = body.unstuffer.feed(this.buffer);
    this.buffer = rest;
    let wantMore = true;
    for (const part of parts) {
      if (body.stream) {
        if (!body.stream.destroyed && !body.stream.push(part)) wantMore = false;
      } else {
        body.size += part.length;
        if (body.size > pop3ClientLimits.maxCollectedBytes) throw new HearthError('PROTOCOL', 'The POP3 reply is too large to hold');
        body.chunks.push(part);
      }
    }
    if (done) {
      this.body = null;
      this.inflight.shift();
      if (body.stream) body.stream.push(null);
      else head.resolve({ status: head.status!, body: Buffer.concat(body.chunks) });
      return true;
    }
    if (!wantMore && !this.pausedForConsumer) {
      this.pausedForConsumer = true;
      this.socket.pause();
    }
    // Not done: everything usable was consumed; `rest` is a short tail waiting for more bytes.
    return false;
  }

  private newBodyStream(): Readable {
    const resume = () => {
      if (this.pausedForConsumer) {
        this.pausedForConsumer = false;
        this.socket.resume();
      }
    };
    const stream = new Readable({ highWaterMark: 256 * 1024, read: resume });
    // A consumer that gives up (destroy) must not leave the connection paused: the rest of the
    // message is then read and dropped, and later replies still arrive.
    stream.on('close', resume);
    return stream;
  }

  /** Ends the session: every waiting command and an unfinished RETR stream get `err`. */
  private fail(err: HearthError): void {
    if (this.closedError) {
      // Already ended (QUIT or close): a late close event still must not leave a stream hanging.
      if (this.body?.stream) this.body.stream.destroy(err);
      this.body = null;
      return;
    }
    this.closedError = err;
    if (this.body?.stream) {
      this.body.stream.destroy(new HearthError(err.code === 'OFFLINE' ? 'OFFLINE' : err.code, `The message was cut off: ${err.message}`));
      this.inflight.shift();
    }
    this.body = null;
    for (const cmd of [...this.inflight, ...this.waiting]) cmd.reject(err);
    this.inflight.length = 0;
    this.waiting.length = 0;
    this.socket.destroy();
  }
}

function tlsOptions(opts: Pop3ClientOptions): tls.ConnectionOptions {
  const servername = opts.servername ?? (net.isIP(opts.host) ? undefined : opts.host);
  return {
    host: opts.host,
    ...(servername ? { servername } : {}),
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.trustedFingerprint256 ? { checkServerIdentity: trustOptions({ trustedFingerprint256: opts.trustedFingerprint256 }).checkServerIdentity! } : {}),
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  };
}

function checkMsg(msg: number): number {
  if (!Number.isSafeInteger(msg) || msg < 1) throw new HearthError('INVALID_ARGUMENT', 'A message number is a positive integer', { field: 'msg' });
  return msg;
}

function bodyLines(body: Buffer): string[] {
  return body
    .toString('utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0);
}

function scanLines(body: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const line of bodyLines(body)) {
    const scan = parseScanLine(line);
    if (!scan) throw new HearthError('PROTOCOL', 'Malformed scan line', { response: line.slice(0, 200) });
    out.push(scan);
  }
  return out;
}
