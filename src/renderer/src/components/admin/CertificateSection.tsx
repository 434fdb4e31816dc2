// The certificate devices see (ACME, the household's own, or the self-signed fallback with the
// fingerprint to compare), and which encrypted listeners present it.
import type { ServerStatus } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { CertificateStatus } from '../ServerHealth.tsx';

const TLS_LISTENERS = new Set(['imaps', 'pop3s', 'submissions', 'https']);

export function CertificateSection({ api, status }: { api: Transport; status: ServerStatus | null }) {
  const tls = status?.listeners.filter((l) => TLS_LISTENERS.has(l.protocol)) ?? [];
  return (
    <>
      <CertificateStatus api={api} />
      <p>
        Encrypted listeners presenting it: {tls.length ? tls.map((l) => `${l.protocol} (${l.host}:${l.port})`).join(', ') : <span className="muted">none</span>}
        .
      </p>
      <p className="muted">
        A certificate from Let&apos;s Encrypt or another ACME authority: <code className="mono">hearth cert issue --acme-url URL --domain D</code>; it is
        renewed by itself before it expires.
      </p>
    </>
  );
}
