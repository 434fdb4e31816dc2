// The household server's HTTPS listener (node:https, TLS 1.2 minimum, the server's certificate):
// what lets devices set themselves up from an address and a password.
//   GET  /.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=A   Thunderbird (on <domain>)
//   GET  /mail/config-v1.1.xml?emailaddress=A                          Thunderbird (on autoconfig.<domain>)
//   POST /autodiscover/autodiscover.xml                                Outlook's POX autodiscover (also GET ?emailaddress=A)
//   GET  /mail.mobileconfig?emailaddress=A[&password=include]         Apple profile (the password only with the
//                                                                      user's own login, HTTP Basic)
//   GET  /.well-known/mta-sts.txt                                      MTA-STS policy (on mta-sts.<domain>)
// On the same port, a handshake offering ALPN "acme-tls/1" for a name with a pending TLS-ALPN-01
// challenge gets the challenge certificate (RFC 8737) and is closed; every other one is HTTPS.
// Everything else is 404; bad requests get a 4xx with a one-line reason. Answers name no user that
// was not asked for and do not tell whether an address exists.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { autoconfigHttpLimits } from '../../base/limits.ts';
import type { ListenOptions, RunningListener, ServerContext } from '../context.ts';
import { listenOn } from '../listener.ts';
import { followCertificate, liveCertificateOf } from '../live-certificate.ts';
import { serverTlsOptions } from '../tls.ts';
import { autodiscoverError, autodiscoverResponse, AutodiscoverRequestError, parseAutodiscoverRequest } from './autodiscover.ts';
import type { MailSettings } from './mail-services.ts';
import { mobileconfig, MOBILECONFIG_CONTENT_TYPE } from './mobileconfig.ts';
import { mtaStsPolicyText, type MtaStsPolicy } from './mta-sts.ts';
import { thunderbirdConfig } from './thunderbird.ts';
import { ACME_TLS_ALPN, type TlsAlpnChallenges } from '../acme/challenges.ts';

export interface AutoconfigHttpsOptions {
  /** What the other listeners offer; read per request (their ports are known only once they run). */
  settings: () => MailSettings;
  /** The MTA-STS policy for the local domains. */
  mtaSts: () => MtaStsPolicy;
  /** The server certificate when it is self-signed (Apple profiles carry it for the device to trust). */
  selfSignedCert: string | null;
  /** Pending TLS-ALPN-01 challenges answered on this listener's port. */
  alpnChallenges?: TlsAlpnChallenges;
  now?: () => Date;
}

class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const AUTOCONFIG_PATHS = new Set(['/.well-known/autoconfig/mail/config-v1.1.xml', '/mail/config-v1.1.xml']);
const AUTODISCOVER_PATH = '/autodiscover/autodiscover.xml';

function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
}

/** The body, refused once it is larger than the limit (413) — never more than that is held. */
async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > autoconfigHttpLimits.maxBodyBytes) throw new HttpError(413, `Request body larger than ${autoconfigHttpLimits.maxBodyBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > autoconfigHttpLimits.maxBodyBytes) throw new HttpError(413, `Request body larger than ${autoconfigHttpLimits.maxBodyBytes} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startAutoconfigHttps(ctx: ServerContext, listen: ListenOptions, o: AutoconfigHttpsOptions): Promise<RunningListener> {
  const log = ctx.log.child({ listener: 'https' });
  const now = o.now ?? (() => new Date());
  const users = ctx.users;

  /** The address asked about, when it is one of ours; 404 otherwise (the same for every foreign address). */
  const localAddress = (raw: string | null): string => {
    const email = (raw ?? '').trim().toLowerCase();
    const at = email.lastIndexOf('@');
    if (at < 1 || at === email.length - 1 || email.length > 320) throw new HttpError(400, 'emailaddress is not an email address');
    if (!users.isLocalDomain(email.slice(at + 1))) throw new HttpError(404, 'Not a domain of this server');
    return email;
  };
  const displayNameOf = async (email: string) => (await users.getUser(email))?.displayName ?? null;

  const route = async (req: IncomingMessage, url: URL): Promise<{ type: string; body: string; headers?: Record<string, string> }> => {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const onlyGet = () => {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'Method not allowed', { allow: 'GET, HEAD' });
    };
    if (AUTOCONFIG_PATHS.has(path)) {
      onlyGet();
      const asked = url.searchParams.get('emailaddress');
      if (asked !== null) localAddress(asked);
      const domains = users.localDomains();
      return { type: 'application/xml; charset=utf-8', body: thunderbirdConfig(o.settings(), domains, `Hearth household mail (${domains[0] ?? ''})`) };
    }
    if (path.toLowerCase() === AUTODISCOVER_PATH) {
      let email: string;
      if (method === 'POST') {
        try {
          email = parseAutodiscoverRequest(await readBody(req));
        } catch (e) {
          if (e instanceof AutodiscoverRequestError) throw new HttpError(400, e.message);
          throw e;
        }
      } else if (method === 'GET' || method === 'HEAD') {
        const q = url.searchParams.get('emailaddress');
        if (!q) throw new HttpError(400, 'GET needs ?emailaddress=ADDRESS; or POST an autodiscover request');
        email = q;
      } else throw new HttpError(405, 'Method not allowed', { allow: 'GET, HEAD, POST' });
      let address: string;
      try {
        address = localAddress(email);
      } catch (e) {
        if (e instanceof HttpError && e.status === 404) return { type: 'application/xml; charset=utf-8', body: autodiscoverError('Invalid Request', now()) };
        throw e;
      }
      return { type: 'application/xml; charset=utf-8', body: autodiscoverResponse(o.settings(), address, await displayNameOf(address)) };
    }
    if (path === '/mail.mobileconfig') {
      onlyGet();
      const address = localAddress(url.searchParams.get('emailaddress'));
      const wantsPassword = url.searchParams.get('password') === 'include';
      let password: string | undefined;
      if (wantsPassword) {
        if (!(req.socket as TLSSocket).encrypted) throw new HttpError(403, 'Passwords only over TLS');
        const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
        const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
        const colon = decoded.indexOf(':');
        const [user, pass] = colon > 0 ? [decoded.slice(0, colon), decoded.slice(colon + 1)] : ['', ''];
        const ok = user.toLowerCase() === address && (await users.authenticate(user, pass)) !== null;
        if (!ok) throw new HttpError(401, 'Log in as this user to include the password', { 'www-authenticate': 'Basic realm="Hearth", charset="UTF-8"' });
        password = pass;
      }
      const settings = o.settings();
      if (!settings.services.some((x) => x.protocol !== 'smtp') || !settings.services.some((x) => x.protocol === 'smtp')) {
        throw new HttpError(404, 'This server runs no IMAP/POP3 or no submission listener to put in a profile');
      }
      const body = mobileconfig({
        settings,
        email: address,
        displayName: await displayNameOf(address),
        ...(password !== undefined ? { password } : {}),
        ...(o.selfSignedCert ? { selfSignedCert: o.selfSignedCert } : {}),
      });
      const file = `${address.replace(/[^a-z0-9.@_-]/g, '_')}.mobileconfig`;
      return {
        type: MOBILECONFIG_CONTENT_TYPE,
        body,
        headers: { 'content-disposition': `attachment; filename="${file}"`, ...(password !== undefined ? { 'cache-control': 'no-store' } : {}) },
      };
    }
    if (path === '/.well-known/mta-sts.txt') {
      onlyGet();
      const host = hostOf(req);
      if (!host.startsWith('mta-sts.') || !users.isLocalDomain(host.slice('mta-sts.'.length))) {
        throw new HttpError(404, 'The MTA-STS policy is served on mta-sts.<domain> (RFC 8461 3.3)');
      }
      return { type: 'text/plain; charset=utf-8', body: mtaStsPolicyText(o.mtaSts()) };
    }
    throw new HttpError(404, 'Not found');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if ((req.url ?? '').length > autoconfigHttpLimits.maxUrlLength) throw new HttpError(414, 'URL too long');
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'https://x');
      } catch {
        throw new HttpError(400, 'Malformed URL');
      }
      const r = await route(req, url);
      const body = Buffer.from(r.body, 'utf8');
      res.writeHead(200, {
        'content-type': r.type,
        'content-length': body.length,
        'cache-control': 'max-age=300',
        'x-content-type-options': 'nosniff',
        ...r.headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, 'Internal error');
      if (!(e instanceof HttpError)) log.error('https request failed', { err: e, path: (req.url ?? '').slice(0, 200) });
      else log.debug('https request refused', { status: err.status, path: (req.url ?? '').slice(0, 200) });
      if (res.headersSent) return void res.destroy();
      // The client may still be sending a refused body: answer, then close instead of draining it.
      res.writeHead(err.status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', connection: 'close', ...err.headers });
      res.end(`${err.message}\n`);
    }
  };

  const certificate = liveCertificateOf(ctx);
  const server = https.createServer(
    {
      ...serverTlsOptions(certificate.current()),
      ...(o.alpnChallenges ? { ALPNCallback: o.alpnChallenges.alpnCallback(['http/1.1']), SNICallback: o.alpnChallenges.sniCallback() } : {}),
      maxHeaderSize: autoconfigHttpLimits.maxHeaderBytes,
      requestTimeout: autoconfigHttpLimits.requestTimeoutMs,
      headersTimeout: autoconfigHttpLimits.requestTimeoutMs,
      keepAliveTimeout: autoconfigHttpLimits.keepAliveTimeoutMs,
    },
    (req, res) => void handle(req, res),
  );
  server.maxConnections = autoconfigHttpLimits.maxConnections;
  // The CA needs the handshake only; nothing of HTTP is spoken on an acme-tls/1 connection.
  server.prependListener('secureConnection', (s: TLSSocket) => {
    if (s.alpnProtocol === ACME_TLS_ALPN) s.end();
  });
  server.on('tlsClientError', (err) => log.debug('https tls handshake failed', { err }));
  server.on('clientError', (err, socket) => {
    log.debug('https bad request', { err });
    const status = (err as NodeJS.ErrnoException).code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
    else socket.destroy();
  });
  server.on('error', (err) => log.error('https listener error', { err }));
  const stopFollowing = followCertificate(certificate, server);
  const port = await listenOn(server, listen);
  log.info('https listening', { host: listen.host, port });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        stopFollowing();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
