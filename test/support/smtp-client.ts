// A minimal raw SMTP client for tests: one command at a time, reads full (multi-line) replies.
import net from 'node:net';

export class RawSmtp {
  private buf = '';
  private waiters: Array<(line: string) => void> = [];
  private lines: string[] = [];
  readonly socket: net.Socket;
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\r\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w('');
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawSmtp(s)));
      s.once('error', reject);
    });
  }

  private nextLine(timeoutMs = 10_000): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.closed) return Promise.resolve('');
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('SMTP reply timeout')), timeoutMs);
      this.waiters.push((line) => {
        clearTimeout(t);
        resolve(line);
      });
    });
  }

  /** Read one complete reply ("250-..." continuation lines joined with \n). */
  async reply(timeoutMs?: number): Promise<string> {
    const out: string[] = [];
    for (;;) {
      const line = await this.nextLine(timeoutMs);
      out.push(line);
      if (line === '' || line[3] !== '-') return out.join('\n');
    }
  }

  async cmd(line: string, timeoutMs?: number): Promise<string> {
    this.socket.write(line + '\r\n');
    return this.reply(timeoutMs);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Dot-stuff a CRLF message and terminate it. */
export function dataBlock(raw: Buffer): Buffer {
  let s = raw.toString('latin1');
  if (!s.endsWith('\r\n')) s += '\r\n';
  s = s.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(s + '.\r\n', 'latin1');
}
