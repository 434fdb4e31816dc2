// Which certificates a connection to a mail server accepts: the system's CAs, a CA the account
// brings (caCert, e.g. the household server's), and a certificate the user trusted after seeing
// it ("Trust this certificate"): that exact certificate, pinned by its SHA-256 fingerprint, is
// accepted whatever names it carries; any other certificate is checked as usual.
import tls, { type ConnectionOptions, type PeerCertificate } from 'node:tls';

export interface TrustSettings {
  caCert?: string | undefined;
  trustedFingerprint256?: string | undefined;
}

/** TLS options for tls.connect (and libraries that pass them on: imapflow, nodemailer, the POP3 client). */
export function trustOptions(s: TrustSettings): Pick<ConnectionOptions, 'ca' | 'checkServerIdentity'> {
  const pin = s.trustedFingerprint256?.toUpperCase();
  return {
    ...(s.caCert ? { ca: s.caCert } : {}),
    ...(pin
      ? {
          checkServerIdentity: (host: string, cert: PeerCertificate) =>
            cert.fingerprint256?.toUpperCase() === pin ? undefined : tls.checkServerIdentity(host, cert),
        }
      : {}),
  };
}

/** A DER certificate as PEM. */
export function derToPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}
