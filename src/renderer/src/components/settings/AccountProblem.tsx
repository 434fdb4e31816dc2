// An account's error with the action that fixes it: a refused password asks for the password
// again; a refused certificate shows what it is and offers to trust exactly that one.
import type { Account } from '../../../../shared/api.ts';

interface Props {
  account: Account;
  onReenterPassword(): void;
  onTrust(fingerprint256: string): void;
  trusting: boolean;
}

export function AccountProblem({ account, onReenterPassword, onTrust, trusting }: Props) {
  const error = account.error;
  if (account.state !== 'error' || !error) return null;
  const detail = error.detail ?? {};
  const fingerprint = typeof detail.fingerprint256 === 'string' ? detail.fingerprint256 : null;
  return (
    <div className="account-problem error" role="alert" data-testid="account-problem">
      <p>{error.message}</p>
      {error.code === 'AUTH_FAILED' && (
        <button type="button" onClick={onReenterPassword} data-testid="reenter-password">
          Re-enter password
        </button>
      )}
      {error.code === 'CERT_UNTRUSTED' && fingerprint && (
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
      )}
    </div>
  );
}
