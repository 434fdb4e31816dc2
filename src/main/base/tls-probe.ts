// When a server's certificate is refused, Hearth shows the user what it was (subject, issuer,
// fingerprint, validity) so they can judge it. This opens a separate connection that sends no
// credentials, completes TLS (directly or after STARTTLS) without verifying, and reads the
// certificate.
import net from 'node:net';
import tls from 'node:tls';
import { HearthError } from '../../shared/errors.ts';
import { derToPem } from './tls-trust.ts';

export interface CertificateInfo {
  subject: string | null;
  issuer: string | null;
  altNames: string | null;
  fingerprint256: string;
  validFrom: string;
  validTo: string;
  /** The certificate itself (PEM), for trusting exactly it. */
  pem: string;
}

export type StartTlsDialect = 'imap' | 'pop3' | 'smtp';

const STARTTLS: Record<StartTlsDialect, { command: string; ok: RegExp; greeting: RegExp }> = {
  imap: { greeting: /^\* OK/m, command: 'h1 STARTTLS\r\n', ok: /^h1 OK/m },
  pop3: { greeting: /^\+OK/m, command: 'STLS\r\n', ok: /^\+OK/m },
  smtp: { greeting: /^220 /m, command: 'EHLO hearth.invalid\r\nSTARTTLS\r\n', ok: /^220 /m },
};

export async function probeCertificate(host: string, port: number, startTls: StartTlsDialect | null, timeoutMs = 10_000): Promise<CertificateInfo | null> {
  const raw = await new Promise<net.Socket | null>((resolve) => {
    if (!startTls) return resolve(null);
    const sock = net.connect({ host, port });
    const dialect = STARTTLS[startTls];
    let buf = '';
    let sent = false;
    sock.setTimeout(timeoutMs, () => sock.destroy());
    sock.on('error', () => resolve(null));
    sock.on('close', () => resolve(null));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (!sent && dialect.greeting.test(buf)) {
        sent = true;
        buf = '';
        sock.write(dialect.command);
      } else if (sent && dialect.ok.test(buf.split(/\r\n/).filter(Boolean).slice(-1).join('\n') + '\n')) {
        sock.removeAllListeners('data');
        sock.removeAllListeners('close');
        resolve(sock);
      }
    });
  });
  if (startTls && !raw) return null;
  return new Promise((resolve) => {
    const options: tls.ConnectionOptions = { rejectUnauthorized: false, ...(net.isIP(host) ? {} : { servername: host }) };
    const socket = raw ? tls.connect({ ...options, socket: raw }) : tls.connect({ ...options, host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.once('secureConnect', () => {
      const c = socket.getPeerCertificate();
      socket.destroy();
      if (!c || !c.fingerprint256) return resolve(null);
      resolve({
        subject: firstOf(c.subject?.CN),
        issuer: firstOf(c.issuer?.CN),
        altNames: c.subjectaltname ?? null,
        fingerprint256: c.fingerprint256,
        validFrom: c.valid_from,
        validTo: c.valid_to,
        pem: derToPem(c.raw),
      });
    });
    socket.once('error', () => resolve(null));
  });
}

function firstOf(v: string | string[] | undefined): string | null {
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

/**
 * The certificate the server presents now (PEM), when it is the one the user saw and trusted
 * (`fingerprint256`); otherwise CERT_UNTRUSTED with what it presents instead, so nothing but the
 * shown certificate is ever trusted.
 */
export async function fetchTrustedCertificate(host: string, port: number, startTls: StartTlsDialect | null, fingerprint256: string): Promise<string> {
  const cert = await probeCertificate(host, port, startTls);
  if (!cert) throw new HearthError('TLS_FAILED', `The certificate of ${host}:${port} could not be read`);
  if (cert.fingerprint256.toUpperCase() !== fingerprint256.toUpperCase()) {
    const { pem: _pem, ...shown } = cert;
    throw new HearthError('CERT_UNTRUSTED', `${host}:${port} now presents a different certificate than the one shown; check it again`, {
      detail: { reason: 'CERT_CHANGED', ...shown },
    });
  }
  return cert.pem;
}
