// A loopback TCP relay in front of a real server, for tests that need the connection to break:
// it can cut both sides after N bytes from the server, or stop passing the server's bytes on.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Bytes relayed from the server so far (all connections). */
  serverBytes(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  behaviour: { cutAfterServerBytes?: number; swallowAfterServerBytes?: number },
): Promise<TcpProxy> {
  let relayed = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      const { cutAfterServerBytes: cut, swallowAfterServerBytes: swallow } = behaviour;
      if (cut !== undefined && relayed + d.length >= cut) {
        client.write(d.subarray(0, Math.max(0, cut - relayed)));
        relayed = cut;
        client.destroy();
        upstream.destroy();
        return;
      }
      if (swallow !== undefined && relayed + d.length > swallow) {
        client.write(d.subarray(0, Math.max(0, swallow - relayed)));
        relayed = Math.max(relayed, swallow);
        return;
      }
      relayed += d.length;
      client.write(d);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    serverBytes: () => relayed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
