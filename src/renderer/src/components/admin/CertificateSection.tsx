// The certificate devices see (ACME, the household's own, or the self-signed fallback with the
// fingerprint to compare), which encrypted listeners present it, and for an ACME certificate
// "Issue now" / "Renew now": the step under way while it runs, the CA's reason when it fails.
import { useEffect, useState } from 'react';
import type { ServerStatus } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { useAdminAction, useAdminQuery } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';

const TLS_LISTENERS = new Set(['imaps', 'pop3s', 'submissions', 'https']);
const SOURCE: Record<string, string> = { acme: 'From a certificate authority (ACME)', own: "The household's own certificate", 'self-signed': 'Self-signed' };

export function CertificateSection({ api, status }: { api: Transport; status: ServerStatus | null }) {
  const tls = status?.listeners.filter((l) => TLS_LISTENERS.has(l.protocol)) ?? [];
  // Polled every second while an issuance runs (its step changes), every 5 s otherwise.
  const [fast, setFast] = useState(false);
  const query = useAdminQuery(api, 'server.certificate.status', {}, fast ? 1000 : 5000);
  const cert = query.data;
  useEffect(() => setFast(cert?.acme?.renewing ?? false), [cert?.acme?.renewing]);
  const action = useAdminAction();
  const renew = () => void action.run(() => api.call('server.certificate.renew', {}), query.reload);
  const acme = cert?.acme ?? null;
  const running = acme?.renewing ?? false;
  return (
    <>
      {cert ? (
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
        </section>
      ) : (
        <p className="muted">Reading the certificate…</p>
      )}
      {acme && (
        <section aria-label="ACME" className="admin-form acme-box">
          <p>
            ACME certificate for {acme.domains.join(', ')} from <code className="mono">{new URL(acme.directoryUrl).host}</code> ({acme.challenge})
            {acme.renewAt && cert?.source === 'acme' ? `, renewed by itself after ${new Date(acme.renewAt).toLocaleDateString()}` : ''}.
          </p>
          <div className="actions start">
            <button type="button" className="primary" onClick={renew} disabled={running || action.busy}>
              {cert?.source === 'acme' ? 'Renew now' : 'Issue now'}
            </button>
            {running && (
              <span role="status" data-testid="certificate-progress">
                {acme.progress ? `${acme.progress[0]!.toUpperCase()}${acme.progress.slice(1)}…` : 'Starting…'}
              </span>
            )}
          </div>
          {!running && acme.lastError && (
            <p className="error" role="alert" data-testid="certificate-error">
              Issuing failed: {acme.lastError}
            </p>
          )}
        </section>
      )}
      <p>
        Encrypted listeners presenting it: {tls.length ? tls.map((l) => `${l.protocol} (${l.host}:${l.port})`).join(', ') : <span className="muted">none</span>}
        .
      </p>
      {!acme && (
        <p className="muted">
          A certificate from Let&apos;s Encrypt or another ACME authority: <code className="mono">hearth cert issue --acme-url URL --domain D</code>; it is
          renewed by itself before it expires, and can be renewed from here.
        </p>
      )}
      <ErrorNote error={action.error ?? query.error} />
    </>
  );
}
