// A refused certificate, shown so the user can compare it with what their server shows, and the
// button that trusts exactly that one (by its SHA-256 fingerprint): for an account's incoming
// server (AccountProblem) and its outgoing one (a message the outbox could not send).

interface Props {
  /** The error's detail: subject, issuer, validTo, fingerprint256. */
  detail: Record<string, unknown>;
  onTrust(fingerprint256: string): void;
  trusting: boolean;
}

export function CertificateTrust({ detail, onTrust, trusting }: Props) {
  const fingerprint = typeof detail.fingerprint256 === 'string' ? detail.fingerprint256 : null;
  if (!fingerprint) return null;
  return (
    <>
      <p className="muted">Trust it only if you know this is your server’s certificate (compare the fingerprint with what your server shows).</p>
      <dl className="cert">
        <dt>Issued to</dt>
        <dd>{String(detail.subject ?? '?')}</dd>
        <dt>Issued by</dt>
        <dd>{String(detail.issuer ?? '?')}</dd>
        <dt>Valid until</dt>
        <dd>{String(detail.validTo ?? '?')}</dd>
        <dt>SHA-256</dt>
        <dd className="mono" data-testid="cert-fingerprint">
          {fingerprint}
        </dd>
      </dl>
      <button type="button" onClick={() => onTrust(fingerprint)} disabled={trusting} data-testid="trust-certificate">
        {trusting ? 'Trusting…' : 'Trust this certificate'}
      </button>
    </>
  );
}
