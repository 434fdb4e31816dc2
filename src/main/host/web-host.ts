// The browser host: serves the built renderer and the typed API over a WebSocket, on 127.0.0.1
// only. A secret (handed to the page in the URL fragment, which browsers never send to servers;
// `npm run web` keeps one per data folder, see web-secret.ts) must be presented as a WebSocket subprotocol, and the Origin must be this host's
// own, so no other page, origin or local program can drive the API.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { EventBus } from '../api/event-bus.ts';
import type { Dispatch } from '../api/dispatcher.ts';
import type { Logger } from '../base/log.ts';
import { apiLimits } from '../base/limits.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';
import { serveMessageDownload } from './message-download.ts';

export const WS_PROTOCOL = 'hearth.v1';
export const TOKEN_PROTOCOL_PREFIX = 'hearth.token.';

export interface WebHostOptions {
  dispatch: Dispatch;
  events: EventBus;
  log: Logger;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  /** Fixed secret (tests); otherwise a fresh random one per launch. */
  secret?: string;
}

export interface WebHost {
  url: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const Request = z.object({ id: z.number().int(), method: z.string().max(100), args: z.unknown() });

function secretMatches(offered: string, secret: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const secret = opts.secret ?? randomBytes(24).toString('base64url');
  const root = path.resolve(opts.staticDir);
  let origin = '';

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.resolve(root, '.' + (urlPath === '/' ? '/index.html' : urlPath));
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) file = path.join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The renderer is not built: run `npm run build` first.\n');
      return;
    }
    // The build's assets are named by their content (vite's assets/name-HASH.ext): a name never
    // changes meaning, so the browser keeps them; the page itself is asked for again every time.
    const hashed = file.startsWith(path.join(root, 'assets') + path.sep);
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  };

  const http = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    void serveMessageDownload(req, res, opts.dispatch, (t) => secretMatches(t, secret)).then(
      (served) => served || serveStatic(req, res),
      () => res.writeHead(500).end(),
    );
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: apiLimits.maxRequestBytes,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  http.on('upgrade', (req, socket, head) => {
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const token = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length) ?? '';
    const originOk = req.headers.origin === origin;
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/api' || !originOk || !secretMatches(token, secret)) {
      opts.log.warn('refused api connection', { origin: req.headers.origin ?? null, reason: originOk ? 'bad secret' : 'foreign origin' });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  const attach = (ws: WebSocket) => {
    const unsubscribe = opts.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());
    ws.on('message', async (data) => {
      let req: z.infer<typeof Request>;
      try {
        req = Request.parse(JSON.parse(data.toString()));
      } catch {
        ws.send(JSON.stringify({ id: null, ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Malformed request frame' } }));
        return;
      }
      const outcome = await opts.dispatch(req.method, req.args);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: req.id, ...outcome }));
    });
  };

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#${secret}`,
    port,
    secret,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
