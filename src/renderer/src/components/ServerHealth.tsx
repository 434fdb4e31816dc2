// The Server panel's certificate and smarthost lines: who issued the certificate devices see, until
// when, its fingerprint (what a device pins for the self-signed one), ACME renewal trouble, and a
// smarthost problem the admin must fix, shown as soon as the relay met it.
import type { Transport } from '../api/transport.ts';
import { useServerHealth } from '../use-server-health.ts';

const SOURCE: Record<string, string> = { acme: 'From a certificate authority (ACME)', own: "The household's own certificate", 'self-signed': 'Self-signed' };

export function ServerHealth({ api }: { api: Transport }) {
  const { certificate: cert, relay } = useServerHealth(api);
  return (
    <section aria-label="Certificate and smarthost" data-testid="server-health">
      {cert && (
        <>
          <h3>Certificate</h3>
          <p>
            {SOURCE[cert.source]} for {cert.subjectNames.join(', ') || '—'}, valid until {new Date(cert.notAfter).toLocaleDateString()}
            <br />
            <span className="muted">Issuer: {cert.issuer}</span>
            <br />
            <span className="muted">
              SHA-256 <code className="mono fingerprint">{cert.fingerprint256}</code>
            </span>
          </p>
          {cert.acme?.lastError && (
            <p className="error" role="alert">
              Renewal failed: {cert.acme.lastError}
            </p>
          )}
        </>
      )}
      {relay?.smarthost && (
        <>
          <h3>Smarthost</h3>
          <p>
            {relay.smarthost.host}:{relay.smarthost.port} · TLS {relay.smarthost.tls}
            {relay.smarthost.user ? ` · login ${relay.smarthost.user}` : ''}
          </p>
          {relay.smarthost.warning && <p className="warning-note">Warning: {relay.smarthost.warning}</p>}
        </>
      )}
      {relay?.problem && (
        <p className="error" role="alert" data-testid="smarthost-problem">
          {relay.problem}
        </p>
      )}
    </section>
  );
}
