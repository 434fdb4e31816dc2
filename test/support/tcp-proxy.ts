// A loopback TCP proxy in front of a real server, for tests of what breaks between client and
// server: switched off, it cuts every open connection and resets new ones (the network going
// away); it can cut a connection after N more bytes from the server (a link dropping mid-transfer)
// or stop passing the server's bytes on (a server that stops answering). It also keeps what
// clients sent, for transcript fixtures.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  setOnline(online: boolean): void;
  /**
   * Cuts the connection carrying the server's bytes once `serverBytes` more have passed (once:
   * later connections pass). 'reset' sends a TCP RST to the client, 'close' a plain FIN.
   */
  cutAfter(serverBytes: number, how?: 'reset' | 'close'): void;
  /** From now on the server's bytes are dropped; the connections stay open. */
  swallowServerBytes(): void;
  /** Bytes passed on from the server so far (all connections). */
  serverBytes(): number;
  /** Everything clients sent so far (all connections, in order). */
  clientBytes(): Buffer;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let online = true;
  let cut: { at: number; how: 'reset' | 'close' } | null = null;
  let sinceCutSet = 0;
  let swallowing = false;
  let passed = 0;
  const fromClients: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (!online) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    const drop = () => {
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', () => {
      upstream.destroy();
      drop();
    });
    upstream.on('close', () => {
      client.destroy();
      drop();
    });
    upstream.on('error', () => {});
    client.on('data', (d: Buffer) => {
      fromClients.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (swallowing) return;
      if (cut !== null && sinceCutSet + d.length >= cut.at) {
        const rest = Math.max(0, cut.at - sinceCutSet);
        client.write(d.subarray(0, rest));
        passed += rest;
        if (cut.how === 'reset') client.resetAndDestroy();
        else client.destroy();
        upstream.destroy();
        cut = null;
        return;
      }
      sinceCutSet += d.length;
      passed += d.length;
      client.write(d);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    setOnline(v) {
      online = v;
      if (!v) for (const s of sockets) s.destroy();
    },
    cutAfter(n, how = 'reset') {
      cut = { at: n, how };
      sinceCutSet = 0;
    },
    swallowServerBytes() {
      swallowing = true;
    },
    serverBytes: () => passed,
    clientBytes: () => Buffer.concat(fromClients),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
