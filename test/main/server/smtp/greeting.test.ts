// The greeting workaround (src/main/server/smtp/greeting.ts) patches smtp-server internals. These
// tests fail when an smtp-server upgrade changes what the patch relies on: then the patch no
// longer applies (or no longer mirrors init()) and greeting.ts needs another look.
import { describe, it, expect, afterEach, vi } from 'vitest';
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { canGreetWithoutPause, greetWithoutPause, type PatchableConnection } from '../../../../src/main/server/smtp/greeting.ts';
import { startInboundSmtp } from '../../../../src/main/server/smtp/inbound.ts';
import { generateSelfSigned } from '../../../../src/main/server/tls.ts';
import type { ServerContext } from '../../../../src/main/server/context.ts';
import type { MailStore } from '../../../../src/main/maildir/types.ts';
import type { UserDirectory } from '../../../../src/main/server/users/types.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';

/** smtp-server's SMTPConnection.init() as the patch mirrors it (comments and spacing aside). */
const EXPECTED_INIT = `init() {
  this._setListeners(() => {
    if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients) {
      return this.send(421, this.name + ' Too many connected clients, try again in a moment', false);
    }
    let readyTimer = setTimeout(() => this.connectionReady(), 100);
    readyTimer.unref();
  });
}`;

const normalise = (src: string) =>
  src
    .replace(/\/\/.*$/gm, '')
    .replace(/\s+/g, ' ')
    .trim();

const servers: Array<{ close(cb: () => void): void }> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function plainServer(patched: boolean): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({ logger: false, disableReverseLookup: true, authOptional: true, maxClients: 5, closeTimeout: 100 });
  if (patched) greetWithoutPause(server);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.server.address() as net.AddressInfo).port };
}

/** Connects and resolves with the greeting line and the server-side connection object. */
function greet(server: SMTPServer, port: number): Promise<{ greeting: string; conn: PatchableConnection }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.setEncoding('utf8');
    s.once('data', (d: string) => {
      const conn = [...(server.connections as Set<PatchableConnection>)].at(-1)!;
      s.end('QUIT\r\n');
      resolve({ greeting: d, conn });
    });
    s.once('error', reject);
  });
}

/** The delays of the setTimeout calls made while `fn` runs. */
async function timeoutsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; delays: unknown[] }> {
  const spy = vi.spyOn(globalThis, 'setTimeout');
  const result = await fn();
  const delays = spy.mock.calls.map((c) => c[1]);
  spy.mockRestore();
  return { result, delays };
}

describe('smtp-server internals the greeting patch relies on', () => {
  it('SMTPConnection still has init, _setListeners, connectionReady and send, and init() is the one the patch mirrors', () => {
    const proto = SMTPConnection.prototype as unknown as PatchableConnection;
    expect(typeof proto.init).toBe('function');
    expect(typeof proto._setListeners).toBe('function');
    expect(typeof proto.connectionReady).toBe('function');
    expect(typeof proto.send).toBe('function');
    expect(normalise(String(proto.init))).toBe(normalise(EXPECTED_INIT));
  });

  it('unpatched, the greeting waits on a 100 ms timer (the pause the patch removes)', async () => {
    const { server, port } = await plainServer(false);
    const { result, delays } = await timeoutsDuring(() => greet(server, port));
    expect(result.greeting).toMatch(/^220 /);
    expect(delays).toContain(100);
    expect(canGreetWithoutPause(result.conn)).toBe(true);
    expect(Object.hasOwn(result.conn, 'init')).toBe(false);
  });

  it('patched, each connection gets its own init() and greets with no 100 ms timer', async () => {
    const { server, port } = await plainServer(true);
    const { result, delays } = await timeoutsDuring(() => greet(server, port));
    expect(result.greeting).toMatch(/^220 /);
    expect(delays).not.toContain(100);
    expect(Object.hasOwn(result.conn, 'init')).toBe(true);
    expect(result.conn.init).not.toBe(SMTPConnection.prototype.init);
  });

  it('patched, the connection limit still answers 421', async () => {
    const server = new SMTPServer({ logger: false, disableReverseLookup: true, authOptional: true, maxClients: 1, closeTimeout: 100 });
    greetWithoutPause(server);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.server.address() as net.AddressInfo).port;
    const first = net.connect(port, '127.0.0.1');
    await new Promise((r) => first.once('data', r));
    const second = await greet(server, port);
    first.destroy();
    expect(second.greeting).toMatch(/^421 .* Too many connected clients, try again in a moment/);
  });

  it('the inbound SMTP listener is patched', async () => {
    const ctx: ServerContext = {
      store: {} as MailStore,
      users: {} as UserDirectory,
      log: silentLogger,
      tls: await generateSelfSigned({ hostnames: ['localhost'] }),
      hostname: 'mx.test',
    };
    const smtp = await startInboundSmtp(ctx, { host: '127.0.0.1', port: 0, implicitTls: false });
    try {
      const { result, delays } = await timeoutsDuring(() => greet(smtp.server, smtp.port));
      expect(result.greeting).toMatch(/^220 mx\.test ESMTP Hearth ESMTP/);
      expect(Object.hasOwn(result.conn, 'init')).toBe(true);
      expect(delays).not.toContain(100);
    } finally {
      await smtp.close();
    }
  });
});
