// An account's error with the action that fixes it: a refused password asks for the password
// again; a refused certificate shows what it is and offers to trust exactly that one.
import type { Account } from '../../../../shared/api.ts';
import { CertificateTrust } from '../CertificateTrust.tsx';

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
  return (
    <div className="account-problem error" role="alert" data-testid="account-problem">
      <p>{error.message}</p>
      {error.code === 'AUTH_FAILED' && (
        <button type="button" onClick={onReenterPassword} data-testid="reenter-password">
          Re-enter password
        </button>
      )}
      {error.code === 'CERT_UNTRUSTED' && <CertificateTrust detail={detail} onTrust={onTrust} trusting={trusting} />}
    </div>
  );
}
