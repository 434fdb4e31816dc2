// Answering the CA's challenges (RFC 8555 §8):
//   http-01      an HTTP listener serving /.well-known/acme-challenge/TOKEN (port 80 as the CA sees it)
//   tls-alpn-01  a TLS listener that, for ALPN "acme-tls/1", presents a self-signed certificate
//                carrying the key authorization (RFC 8737; port 443 as the CA sees it). When the
//                HTTPS autoconfig listener holds that port, it answers them itself (TlsAlpnChallenges
//                routes by ALPN on the one listener) and no second listener is started.
//   dns-01       the admin's hook command publishes _acme-challenge.NAME TXT VALUE
// The listeners run only while an order is being validated.
import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import * as acme from 'acme-client';
import { acmeLimits } from '../../base/limits.ts';
import type { Logger } from '../../base/log.ts';
import { listenOn } from '../listener.ts';
import { MIN_TLS_VERSION } from '../tls.ts';

/** One challenge to answer: for the identifier `domain`, the token and its key authorization. */
export interface PendingChallenge {
  domain: string;
  token: string;
  keyAuthorization: string;
}

export interface ChallengeResponder {
  add(c: PendingChallenge): Promise<void>;
  remove(c: PendingChallenge): Promise<void>;
  close(): Promise<void>;
}

function closeServer(server: HttpServer | tls.Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function track(server: HttpServer | tls.Server, sockets: Set<Socket>): void {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
}

const TOKEN_PATH = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/;

/** HTTP-01: answers GET /.well-known/acme-challenge/TOKEN with the key authorization, 404 otherwise. */
export async function startHttpChallengeResponder(host: string, port: number, log: Logger): Promise<ChallengeResponder> {
  const tokens = new Map<string, string>();
  const server = createHttpServer((req, res) => {
    const m = TOKEN_PATH.exec((req.url ?? '').split('?')[0] ?? '');
    const answer = m && req.method === 'GET' ? tokens.get(m[1]!) : undefined;
    log.info('acme http-01 request', { path: req.url, answered: answer !== undefined, remote: req.socket.remoteAddress });
    if (answer === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(answer);
  });
  const sockets = new Set<Socket>();
  track(server, sockets);
  await listenOn(server, { host, port, implicitTls: false });
  return {
    async add(c) {
      tokens.set(c.token, c.keyAuthorization);
    },
    async remove(c) {
      tokens.delete(c.token);
    },
    close: () => closeServer(server, sockets),
  };
}

export const ACME_TLS_ALPN = 'acme-tls/1';

/**
 * The TLS-ALPN-01 challenge certificates pending now, by identifier. A TLS server that serves
 * other protocols too routes with alpnCallback/sniCallback: a handshake offering "acme-tls/1" for
 * a name with a pending challenge gets that challenge's certificate, every other one the server's
 * own certificate and its protocol.
 */
export class TlsAlpnChallenges {
  private readonly contexts = new Map<string, tls.SecureContext>();
  private readonly log: Logger | undefined;
  private readonly chosen = new WeakSet<tls.TLSSocket>();

  constructor(log?: Logger) {
    this.log = log;
  }

  async add(c: PendingChallenge): Promise<void> {
    const authz = { identifier: { type: 'dns', value: c.domain } } as acme.Authorization;
    const [key, cert] = await acme.crypto.createAlpnCertificate(authz, c.keyAuthorization);
    this.contexts.set(c.domain.toLowerCase(), tls.createSecureContext({ key, cert, minVersion: MIN_TLS_VERSION }));
  }

  async remove(c: PendingChallenge): Promise<void> {
    this.contexts.delete(c.domain.toLowerCase());
  }

  /** The challenge certificate for `servername`, if one is pending. */
  contextFor(servername: string): tls.SecureContext | undefined {
    return this.contexts.get(servername.toLowerCase());
  }

  /**
   * For tls.createServer's ALPNCallback (OpenSSL calls it before the certificate callback):
   * "acme-tls/1" when offered for a pending challenge, else the first of `own` the client offers.
   * undefined refuses the handshake (no protocol in common), as ALPNProtocols would.
   */
  alpnCallback(own: readonly string[]): (this: tls.TLSSocket, info: { servername: string; protocols: string[] }) => string | undefined {
    const chosen = this.chosen;
    const pending = (name: string) => this.contextFor(name) !== undefined;
    // `this` is the handshake's socket (Node calls it as the socket's method), remembered for sniCallback.
    return function (this: tls.TLSSocket, { servername, protocols }) {
      if (protocols.includes(ACME_TLS_ALPN) && servername && pending(servername)) {
        chosen.add(this);
        return ACME_TLS_ALPN;
      }
      return own.find((p) => protocols.includes(p));
    };
  }

  /** For tls.createServer's SNICallback: the challenge certificate after alpnCallback chose "acme-tls/1", else the server's own (undefined). */
  sniCallback(): (this: tls.TLSSocket, servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => void {
    const chosen = this.chosen;
    const contextFor = (name: string) => this.contextFor(name);
    const log = this.log;
    return function (this: tls.TLSSocket, servername, cb) {
      const ctx = chosen.has(this) ? contextFor(servername) : undefined;
      if (ctx) log?.info('acme tls-alpn-01 handshake', { servername, answered: true });
      cb(null, ctx);
    };
  }

  /** A responder for issueCertificate that uses this registry (the listener runs anyway). */
  responder(): ChallengeResponder {
    const pending: PendingChallenge[] = [];
    return {
      add: async (c) => {
        pending.push(c);
        await this.add(c);
      },
      remove: (c) => this.remove(c),
      close: async () => {
        for (const c of pending.splice(0)) await this.remove(c);
      },
    };
  }
}

/**
 * TLS-ALPN-01: a TLS listener offering only "acme-tls/1". The CA connects with the identifier as
 * SNI; it gets that identifier's challenge certificate, and the handshake is all it needs.
 */
export async function startTlsAlpnChallengeResponder(host: string, port: number, log: Logger): Promise<ChallengeResponder> {
  const challenges = new TlsAlpnChallenges();
  // The default context only serves handshakes without a pending challenge (they fail ALPN anyway).
  const fallback = await acme.crypto.createAlpnCertificate({ identifier: { type: 'dns', value: 'acme.invalid' } } as acme.Authorization, 'none');
  const server = tls.createServer({
    key: fallback[0],
    cert: fallback[1],
    minVersion: MIN_TLS_VERSION,
    ALPNProtocols: [ACME_TLS_ALPN],
    SNICallback: (servername, cb) => {
      const ctx = challenges.contextFor(servername);
      log.info('acme tls-alpn-01 handshake', { servername, answered: ctx !== undefined });
      cb(ctx ? null : new Error(`no challenge for ${servername}`), ctx);
    },
  });
  // The CA closes at once after the handshake; nothing is read or written.
  server.on('secureConnection', (s) => s.end());
  server.on('tlsClientError', (err) => log.debug('acme tls-alpn-01 handshake failed', { err }));
  const sockets = new Set<Socket>();
  track(server, sockets);
  await listenOn(server, { host, port, implicitTls: true });
  return {
    add: (c) => challenges.add(c),
    remove: (c) => challenges.remove(c),
    close: () => closeServer(server, sockets),
  };
}

/**
 * DNS-01: runs the admin's hook as `HOOK add _acme-challenge.DOMAIN VALUE` before validation and
 * `HOOK remove _acme-challenge.DOMAIN VALUE` after (VALUE: the TXT record's text, which acme-client
 * hands over as the key authorization for dns-01). The hook returns once the record is published;
 * a non-zero exit fails the order.
 */
export function dnsHookResponder(hook: string, log: Logger): ChallengeResponder {
  const run = (action: 'add' | 'remove', c: PendingChallenge) =>
    new Promise<void>((resolve, reject) => {
      const name = `_acme-challenge.${c.domain.replace(/^\*\./, '')}`;
      execFile(hook, [action, name, c.keyAuthorization], { timeout: acmeLimits.dnsHookTimeoutMs }, (err, stdout, stderr) => {
        log.info('acme dns-01 hook', { action, name, exit: err ? ((err as { code?: unknown }).code ?? 'failed') : 0 });
        if (err) reject(new Error(`DNS hook ${action} ${name} failed: ${(stderr || err.message).trim().slice(0, 300)}`));
        else resolve();
      });
    });
  return { add: (c) => run('add', c), remove: (c) => run('remove', c), close: async () => {} };
}
