// A loopback TCP relay in front of a real server that a test can switch off and on, like a
// network going away: off cuts every open connection and resets new ones; it can also cut the
// connection once after N bytes from the server (a link dropping mid-transfer).
import net from 'node:net';

export interface NetSwitch {
  port: number;
  setOnline(online: boolean): void;
  /** Cuts the next connection(s) once this many server bytes have passed through them in total. */
  cutAfter(serverBytes: number): void;
  close(): Promise<void>;
}

export async function startNetSwitch(target: { host: string; port: number }): Promise<NetSwitch> {
  let online = true;
  let cutAt: number | null = null;
  let relayed = 0;
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
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      if (cutAt !== null && relayed + d.length >= cutAt) {
        client.write(d.subarray(0, Math.max(0, cutAt - relayed)));
        cutAt = null;
        relayed = 0;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      if (cutAt !== null) relayed += d.length;
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
    cutAfter(n) {
      cutAt = n;
      relayed = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
