// Incremental decoder of a POP3 multi-line response body (RFC 1939 section 3): strips the extra
// leading "." of byte-stuffed lines and detects the terminating ".CRLF" line. It never needs a
// whole line in memory: bytes are handed on as soon as it knows they are not part of the terminator.
// Pure: the caller feeds chunks and gets body slices back.

const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;

export interface UnstuffResult {
  /** Body bytes (unstuffed) decoded from this chunk, in order. Slices of the input, not copies. */
  parts: Buffer[];
  /** True when the terminating line was seen. */
  done: boolean;
  /** Bytes after the terminator (the next response), or bytes held back waiting for more input. */
  rest: Buffer;
}

export class DotUnstuffer {
  private atLineStart = true;

  /**
   * Decodes as much of `chunk` as possible. If `done` is false, `rest` holds a short tail (at most
   * two bytes, a line starting with "." whose meaning is not yet known) to prepend to the next chunk.
   * Lines run together in one slice; a slice ends only where a stuffed dot is dropped (a slice per
   * line made a message of 5,000 lines 5,000 buffers for the stream and the file write).
   */
  feed(chunk: Buffer): UnstuffResult {
    const parts: Buffer[] = [];
    /** Start of the run of body bytes not yet handed on. */
    let run = 0;
    const endRun = (at: number) => {
      if (at > run) parts.push(chunk.subarray(run, at));
    };
    let pos = 0;
    while (pos < chunk.length) {
      if (this.atLineStart && chunk[pos] === DOT) {
        // ".\r\n" (or a bare ".\n" from sloppy servers) ends the response.
        endRun(pos);
        if (pos + 1 >= chunk.length) return { parts, done: false, rest: chunk.subarray(pos) };
        const next = chunk[pos + 1];
        if (next === LF) return { parts, done: true, rest: chunk.subarray(pos + 2) };
        if (next === CR) {
          if (pos + 2 >= chunk.length) return { parts, done: false, rest: chunk.subarray(pos) };
          if (chunk[pos + 2] === LF) return { parts, done: true, rest: chunk.subarray(pos + 3) };
        }
        // A stuffed line: drop the first dot, keep the rest of the line.
        pos += 1;
        run = pos;
        this.atLineStart = false;
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      if (lf === -1) {
        this.atLineStart = false;
        pos = chunk.length;
      } else {
        this.atLineStart = true;
        pos = lf + 1;
      }
    }
    endRun(chunk.length);
    return { parts, done: false, rest: chunk.subarray(chunk.length) };
  }
}
