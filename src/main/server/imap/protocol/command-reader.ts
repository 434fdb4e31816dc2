// Splits the client's byte stream into complete IMAP commands: a command is one or more line
// fragments joined by literals ({n} synchronizing, {n+} non-synchronizing, RFC 7888). Pure: the
// caller feeds bytes and acts on the returned events (sending "+" continuations, replies).

export interface ReaderLimits {
  maxLineBytes: number;
  maxLiteralBytes: number;
  maxCommandBytes: number;
  maxLiteralsPerCommand: number;
}

/** A complete command: fragments[i] is followed by literals[i] (fragments.length === literals.length + 1). */
export interface AssembledCommand {
  fragments: Buffer[];
  literals: Buffer[];
}

export type ReaderEvent =
  | { kind: 'command'; command: AssembledCommand }
  /** A synchronizing literal was announced and is acceptable: the server must send a continuation. */
  | { kind: 'continue' }
  /** The command was dropped. fatal: the stream can no longer be followed (the session should BYE). */
  | { kind: 'error'; tag: string | null; reason: string; fatal: boolean };

const LITERAL_TAIL = /\{(\d{1,20})(\+?)\}$/;
const LF = 0x0a;
const CR = 0x0d;

export class CommandReader {
  private readonly limits: ReaderLimits;
  /** Bytes of the current line seen so far (no terminator yet). */
  private lineChunks: Buffer[] = [];
  private lineBytes = 0;
  /** Discarding the rest of an over-long line; remember the tag for the error. */
  private discardingLine = false;
  private discardTag: string | null = null;
  /** Literal being read. */
  private literalRemaining = -1;
  private literalChunks: Buffer[] = [];
  /** Command under assembly. */
  private fragments: Buffer[] = [];
  private literals: Buffer[] = [];
  private commandBytes = 0;
  /** When set, every line is returned as a command of one fragment (IDLE "DONE", SASL responses). */
  rawLines = false;

  constructor(limits: ReaderLimits) {
    this.limits = limits;
  }

  /** Bytes of the command currently being assembled (for memory accounting in tests). */
  get bufferedBytes(): number {
    return this.lineBytes + this.commandBytes;
  }

  push(chunk: Buffer): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.literalRemaining >= 0) {
        const take = Math.min(this.literalRemaining, chunk.length - pos);
        this.literalChunks.push(chunk.subarray(pos, pos + take));
        this.literalRemaining -= take;
        pos += take;
        if (this.literalRemaining === 0) {
          this.literals.push(Buffer.concat(this.literalChunks));
          this.literalChunks = [];
          this.literalRemaining = -1;
        }
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      const end = lf < 0 ? chunk.length : lf;
      const piece = chunk.subarray(pos, end);
      pos = lf < 0 ? chunk.length : lf + 1;
      if (this.discardingLine) {
        if (lf >= 0) {
          this.discardingLine = false;
          events.push({ kind: 'error', tag: this.discardTag, reason: 'Command line too long', fatal: false });
          this.resetCommand();
        }
        continue;
      }
      if (this.lineBytes + piece.length > this.limits.maxLineBytes) {
        const head = Buffer.concat([...this.lineChunks, piece]).subarray(0, 64);
        this.discardTag = this.fragments.length ? tagOf(this.fragments[0]!) : tagOf(head);
        this.lineChunks = [];
        this.lineBytes = 0;
        if (lf >= 0) {
          events.push({ kind: 'error', tag: this.discardTag, reason: 'Command line too long', fatal: false });
          this.resetCommand();
        } else {
          this.discardingLine = true;
        }
        continue;
      }
      this.lineChunks.push(piece);
      this.lineBytes += piece.length;
      if (lf < 0) break;
      let line = this.lineChunks.length === 1 ? this.lineChunks[0]! : Buffer.concat(this.lineChunks);
      this.lineChunks = [];
      this.lineBytes = 0;
      if (line.length && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      this.endLine(line, events);
    }
    return events;
  }

  private endLine(line: Buffer, events: ReaderEvent[]): void {
    const tail = this.rawLines ? null : LITERAL_TAIL.exec(line.subarray(Math.max(0, line.length - 24)).toString('latin1'));
    if (!tail) {
      this.fragments.push(line);
      events.push({ kind: 'command', command: { fragments: this.fragments, literals: this.literals } });
      this.resetCommand();
      return;
    }
    const size = Number(tail[1]);
    const sync = tail[2] !== '+';
    const tag = this.fragments.length ? tagOf(this.fragments[0]!) : tagOf(line);
    const tooBig =
      size > this.limits.maxLiteralBytes ||
      this.commandBytes + size > this.limits.maxCommandBytes ||
      this.literals.length + 1 > this.limits.maxLiteralsPerCommand;
    if (tooBig) {
      // A synchronizing literal is never sent without our "+", so the stream stays in step.
      // A non-synchronizing one is already on its way and we will not buffer it.
      events.push({ kind: 'error', tag, reason: 'Literal too large', fatal: !sync });
      this.resetCommand();
      return;
    }
    this.fragments.push(line);
    this.commandBytes += line.length + size;
    if (sync) events.push({ kind: 'continue' });
    if (size === 0) this.literals.push(Buffer.alloc(0));
    else this.literalRemaining = size;
  }

  private resetCommand(): void {
    this.fragments = [];
    this.literals = [];
    this.commandBytes = 0;
  }
}

/** The tag of a command line, if it looks like one, for error replies. */
export function tagOf(line: Buffer): string | null {
  const s = line.subarray(0, 64).toString('latin1');
  const m = /^([\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c-\x7e]+)[ \r\n]?/.exec(s);
  return m ? m[1]! : null;
}
