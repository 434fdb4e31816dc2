// A real IMAP server for tests (plain and implicit TLS on 127.0.0.1, ports of its own choosing)
// on a fresh household server context, and a raw line-oriented client for transcript tests.
import net from 'node:net';
import { startImapServer } from '../../src/main/server/imap/index.ts';
import type { RunningListener } from '../../src/main/server/context.ts';
import { createTestServerContext, type TestServerContext } from './server-context.ts';

export interface TestServer extends TestServerContext {
  plain: RunningListener;
  tls: RunningListener;
  /** The first user's address and password. */
  user: string;
  password: string;
  /** Closes the listeners and the store, and removes the folder. */
  close(): Promise<void>;
}

export async function startTestServer(opts: { users?: Array<[string, string]> } = {}): Promise<TestServer> {
  const users = opts.users ?? [['alice@home.arpa', 'alice-secret-pw']];
  const base = await createTestServerContext('imap', users);
  const plain = await startImapServer(base.ctx, { host: '127.0.0.1', port: 0, implicitTls: false });
  const tls = await startImapServer(base.ctx, { host: '127.0.0.1', port: 0, implicitTls: true });
  return {
    ...base,
    plain,
    tls,
    user: users[0]![0],
    password: users[0]![1],
    async close() {
      await plain.close();
      await tls.close();
      await base.close();
    },
  };
}

/** A raw line-oriented IMAP connection for transcript tests. */
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
    socket.on('close', () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }
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
      if (this.socket.destroyed && !re.test(this.buf)) throw new Error(`connection closed; got: ${this.buf.slice(-500)}`);
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
