// The household server's certificate and smarthost as the admin screen shows them: who issued the
// certificate devices see, until when, its fingerprint (what a device pins for the self-signed
// one), ACME renewal trouble, and a smarthost problem the admin must fix, shown as soon as the
// relay met it.
import type { Transport } from '../api/transport.ts';
import { useServerHealth } from '../use-server-health.ts';

const SOURCE: Record<string, string> = { acme: 'From a certificate authority (ACME)', own: "The household's own certificate", 'self-signed': 'Self-signed' };

export function CertificateStatus({ api }: { api: Transport }) {
  const { certificate: cert } = useServerHealth(api);
  if (!cert) return <p className="muted">Reading the certificate…</p>;
  return (
    <section aria-label="Certificate" data-testid="certificate-status">
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
    </section>
  );
}

export function SmarthostStatus({ api }: { api: Transport }) {
  const { relay } = useServerHealth(api);
  return (
    <section aria-label="Smarthost" data-testid="smarthost-status">
      {relay?.smarthost ? (
        <p>
          {relay.smarthost.host}:{relay.smarthost.port} · TLS {relay.smarthost.tls}
          {relay.smarthost.user ? ` · login ${relay.smarthost.user}` : ''}
        </p>
      ) : (
        <p className="muted">
          No smarthost: mail to other domains goes straight to their MX. Set one with <code className="mono">hearth smarthost set HOST:PORT</code>.
        </p>
      )}
      {relay?.smarthost?.warning && <p className="warning-note">Warning: {relay.smarthost.warning}</p>}
      {relay?.problem && (
        <p className="error" role="alert" data-testid="smarthost-problem">
          {relay.problem}
        </p>
      )}
    </section>
  );
}
