// Pure encoder of a POP3 multi-line message body (RFC 1939 section 3): lines starting with "."
// get another "."; bare LFs become CRLF (a POP3 line always ends in CRLF); the body ends with
// CRLF "." CRLF. For TOP it stops after the header, the blank line and `bodyLines` body lines.
// Fed chunk by chunk, so a message is never held whole.

const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');
const DOTDOT = Buffer.from('..');

export class DotStuffer {
  private atLineStart = true;
  private lastWasCr = false;
  /** Bytes of the current line, CR and LF excluded (0 at the blank line ending the header). */
  private lineLength = 0;
  private inHeader = true;
  private bodyLinesLeft: number;
  private finished = false;

  /** `bodyLines`: for TOP, how many body lines to send; undefined = the whole message. */
  constructor(bodyLines?: number) {
    this.bodyLinesLeft = bodyLines ?? Infinity;
  }

  /** True once TOP has all the lines it wants: the caller may stop reading the message. */
  get done(): boolean {
    return this.finished;
  }

  /** Encodes one chunk of the message. */
  feed(chunk: Buffer): Buffer {
    if (this.finished) return Buffer.alloc(0);
    const out: Buffer[] = [];
    let start = 0; // first byte of chunk not yet copied to out
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.atLineStart) {
        if (!this.inHeader && this.bodyLinesLeft <= 0) {
          out.push(chunk.subarray(start, i));
          this.finished = true;
          return Buffer.concat(out);
        }
        this.atLineStart = false;
        if (b === DOT) {
          out.push(chunk.subarray(start, i), DOTDOT);
          start = i + 1;
          this.lineLength = 1;
          this.lastWasCr = false;
          continue;
        }
      }
      if (b === LF) {
        if (!this.lastWasCr) {
          out.push(chunk.subarray(start, i), CRLF);
          start = i + 1;
        }
        this.endLine();
      } else if (b === CR) {
        // A CR counts as part of the line ending only if an LF follows.
      } else {
        if (this.lastWasCr) this.lineLength++; // the previous CR was a stray one
        this.lineLength++;
      }
      this.lastWasCr = b === CR;
    }
    out.push(chunk.subarray(start));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  private endLine(): void {
    if (this.inHeader) {
      if (this.lineLength === 0) this.inHeader = false;
    } else {
      this.bodyLinesLeft--;
    }
    this.lineLength = 0;
    this.atLineStart = true;
    if (!this.inHeader && this.bodyLinesLeft <= 0) this.finished = true;
  }

  /** The end of the response: completes an unterminated last line, then ".CRLF". */
  end(): Buffer {
    if (this.atLineStart) return Buffer.from('.\r\n');
    // A trailing CR without LF: just add the LF.
    return Buffer.from(this.lastWasCr ? '\n.\r\n' : '\r\n.\r\n');
  }
}
