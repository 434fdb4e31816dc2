// The certificate: today the status API reports only which TLS listeners run; the certificate
// itself (ACME status, renewal, the self-signed fingerprint) plugs in here from the ACME work.
import type { ServerStatus } from '../../../../shared/api.ts';
import { PendingSlot } from './PendingSlot.tsx';

const TLS_LISTENERS = new Set(['imaps', 'pop3s', 'submissions']);

export function CertificateSection({ status }: { status: ServerStatus | null }) {
  const tls = status?.listeners.filter((l) => TLS_LISTENERS.has(l.protocol)) ?? [];
  return (
    <>
      <p>Encrypted listeners running: {tls.length ? tls.map((l) => `${l.protocol} (${l.host}:${l.port})`).join(', ') : <span className="muted">none</span>}.</p>
      <PendingSlot title="Certificate status and renewal">
        <p className="muted">
          The server does not report its certificate through the API yet. This section will show the certificate in use (issuer, expiry, fingerprint), ACME
          renewal, and the self-signed fallback once the status API offers them. Until then: <code className="mono">DATA/tls/cert.pem</code> on the server.
        </p>
      </PendingSlot>
    </>
  );
}
