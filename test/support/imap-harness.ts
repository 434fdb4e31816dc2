// A real IMAP server for tests: MaildirStore in a temp folder, the config-file user directory,
// a self-signed certificate made with openssl, listening on 127.0.0.1 port 0.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { MaildirStore } from '../../src/main/maildir/maildir-store.ts';
import { ConfigUserDirectory } from '../../src/main/server/users/directory.ts';
import { addUser, loadOrCreateConfig } from '../../src/main/server/users/config.ts';
import { startImapServer } from '../../src/main/server/imap/index.ts';
import type { RunningListener, ServerContext } from '../../src/main/server/context.ts';
import { createLogger, silentLogger } from '../../src/main/base/log.ts';

export const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/mime');

export function makeCert(dir: string): { key: string; cert: string; certPath: string } {
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'pipe' },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

export interface TestServer {
  dir: string;
  ctx: ServerContext;
  store: MaildirStore;
  plain: RunningListener;
  tls: RunningListener;
  certPath: string;
  user: string;
  password: string;
  close(): Promise<void>;
}

export async function startTestServer(opts: { users?: Array<[string, string]> } = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-imap-'));
  const users = opts.users ?? [['alice@home.arpa', 'alice-secret-pw']];
  await loadOrCreateConfig(dir, 'home.arpa');
  for (const [u, p] of users) await addUser(dir, u, p);
  const store = new MaildirStore({ root: path.join(dir, 'mail'), hostname: 'test' });
  const { key, cert, certPath } = makeCert(dir);
  const log = process.env.HEARTH_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger;
  const ctx: ServerContext = { store, users: new ConfigUserDirectory(dir), log, tls: { key, cert }, hostname: 'localhost' };
  const plain = await startImapServer(ctx, { host: '127.0.0.1', port: 0, implicitTls: false });
  const tls = await startImapServer(ctx, { host: '127.0.0.1', port: 0, implicitTls: true });
  return {
    dir,
    ctx,
    store,
    plain,
    tls,
    certPath,
    user: users[0]![0],
    password: users[0]![1],
    async close() {
      await plain.close();
      await tls.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
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

/** A TCP proxy that records what clients send (plaintext sessions only), for transcript fixtures. */
export async function startRecordingProxy(targetPort: number): Promise<{ port: number; recorded(): Buffer; close(): Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (d: Buffer) => {
      chunks.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    recorded: () => Buffer.concat(chunks),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
