// HTTPS requests as a device makes them, kept on loopback: the URL's host name is sent (SNI, Host)
// and checked against the certificate, but the connection goes to 127.0.0.1 on the port the test
// maps the URL's port to (443 → the listener's ephemeral port). Only `ca` is trusted.
import https from 'node:https';

export interface LoopbackResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface LoopbackHttpsOptions {
  ca: string;
  /** URL port (443 when absent) → loopback port; a port not in the map refuses the connection. */
  ports: Record<number, number>;
}

export function httpsRequest(
  url: string,
  o: LoopbackHttpsOptions,
  init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<LoopbackResponse> {
  const u = new URL(url);
  const port = o.ports[Number(u.port || 443)];
  if (port === undefined) return Promise.reject(Object.assign(new Error(`connect ECONNREFUSED ${u.host}`), { code: 'ECONNREFUSED' }));
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        servername: u.hostname,
        path: u.pathname + u.search,
        method: init.method ?? 'GET',
        headers: { host: u.host, ...init.headers },
        ca: o.ca,
        minVersion: 'TLSv1.2',
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
