// Checks a candidate server before it is offered: connect, read the greeting, and where the
// candidate says STARTTLS, ask for it and complete TLS. No credentials are sent.
import net from 'node:net';
import tls from 'node:tls';
import type { Candidate } from '../../../shared/discovery.ts';
import { toNetworkError } from '../../base/net.ts';

export interface ProbeOptions {
  /** Resolves a host name (the injected resolver in tests; the system's otherwise). */
  lookup: (host: string) => Promise<string>;
  timeoutMs: number;
  /** Extra CA to trust (tests; a household server's own certificate). */
  ca?: string | undefined;
}

const DIALECT = {
  imap: { greeting: /^\* (OK|PREAUTH)/, starttls: ['h1 STARTTLS'], ok: /^h1 OK/m, fail: /^h1 (NO|BAD)/m },
  pop3: { greeting: /^\+OK/, starttls: ['STLS'], ok: /^\+OK/m, fail: /^-ERR/m },
  smtp: { greeting: /^220[ -]/, starttls: ['EHLO hearth.invalid', 'STARTTLS'], ok: /^220 /m, fail: /^(454|5\d\d) /m },
} as const;

export async function probeServer(c: Pick<Candidate, 'protocol' | 'host' | 'port' | 'tls'>, o: ProbeOptions): Promise<Candidate['probe']> {
  try {
    const address = net.isIP(c.host) ? c.host : await o.lookup(c.host);
    await handshake(c, address, o);
    return { ok: true };
  } catch (e) {
    const err = toNetworkError(e, c.host, c.port);
    return { ok: false, error: { code: err.code, message: err.message } };
  }
}

function handshake(c: Pick<Candidate, 'protocol' | 'host' | 'port' | 'tls'>, address: string, o: ProbeOptions): Promise<void> {
  const d = DIALECT[c.protocol];
  const tlsOptions: tls.ConnectionOptions = {
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    ...(net.isIP(c.host) ? {} : { servername: c.host }),
    ...(o.ca ? { ca: [...tls.rootCertificates, o.ca] } : {}),
  };
  return new Promise<void>((resolve, reject) => {
    let sock: net.Socket = c.tls === 'tls' ? tls.connect({ ...tlsOptions, host: address, port: c.port }) : net.connect({ host: address, port: c.port });
    let buf = '';
    let phase: 'greeting' | 'starttls' = 'greeting';
    let sentStartTls = 0;
    const timer = setTimeout(() => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), o.timeoutMs);
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve();
    };
    const fail = (e: Error) => {
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    };
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      if (!buf.includes('\n')) return;
      if (phase === 'greeting') {
        if (!d.greeting.test(buf)) return fail(Object.assign(new Error(`unexpected greeting: ${buf.slice(0, 80).trim()}`), { code: 'EPROTO_GREETING' }));
        if (c.tls !== 'starttls') return done();
        phase = 'starttls';
        buf = '';
        sock.write(d.starttls.map((l) => `${l}\r\n`).join(''));
        sentStartTls = d.starttls.length;
        return;
      }
      // SMTP answers EHLO first (250 lines), then STARTTLS with 220.
      const lines = buf.split('\r\n').filter(Boolean);
      if (d.fail.test(buf)) return fail(Object.assign(new Error(`the server does not offer STARTTLS (${lines.slice(-1)[0]})`), { code: 'ENOSTARTTLS' }));
      if (sentStartTls && d.ok.test(lines.slice(-1).join('\n'))) {
        sock.off('data', onData);
        const secured = tls.connect({ ...tlsOptions, socket: sock });
        secured.once('secureConnect', done);
        secured.once('error', fail);
        sock = secured;
      }
    };
    sock.on('data', onData);
    sock.once('error', fail);
    sock.once('close', () => fail(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
  });
}
