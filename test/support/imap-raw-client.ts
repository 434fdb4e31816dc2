// A raw line-oriented IMAP connection for transcript tests: what a client sends, byte for byte,
// and everything the server answers.
import { expect } from 'vitest';
import net from 'node:net';

export class RawClient {
  socket: net.Socket;
  private buf = '';
  private waiters: Array<() => void> = [];
  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', (err) => (this.closedBy = err.message));
    socket.on('close', () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }
  /** Why the connection ended, when it ended in an error (ECONNRESET: the server destroyed it). */
  private closedBy = '';
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }
  /** Wait until the received text matches; returns everything received so far and clears it. */
  async until(re: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(this.buf)) {
      if (this.socket.destroyed && !re.test(this.buf))
        throw new Error(`connection closed${this.closedBy ? ` (${this.closedBy})` : ''}; got: ${this.buf.slice(-500)}`);
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${re}; got: ${this.buf.slice(-500)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
    const out = this.buf;
    this.buf = '';
    return out;
  }
  write(s: string | Buffer): void {
    this.socket.write(s);
  }
  /** Send a tagged command and wait for its tagged reply. */
  async cmd(tag: string, text: string): Promise<string> {
    this.write(`${tag} ${text}\r\n`);
    return this.until(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`));
  }
  close(): void {
    this.socket.destroy();
  }
}

/** Where a raw session logs in: a server's port and one user's credentials. */
export interface ImapLogin {
  port: number;
  user: string;
  password: string;
}

/** A raw session, greeted and logged in (user and password quoted). */
export async function loggedIn(t: ImapLogin): Promise<RawClient> {
  const c = await RawClient.connect(t.port);
  await c.until(/\* OK/);
  expect(await c.cmd('l', `LOGIN "${t.user}" "${t.password}"`)).toMatch(/l OK/);
  return c;
}

/** Each pattern must match `text` after the previous pattern's match. */
export function expectInOrder(text: string, res: readonly RegExp[], where: string): void {
  let rest = text;
  for (const re of res) {
    const m = re.exec(rest);
    expect(m, `${where}: ${re} (in order) in:\n${text}`).not.toBeNull();
    rest = rest.slice(m!.index + m![0].length);
  }
}
