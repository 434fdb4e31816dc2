// The certificate status the app and `hearth cert status` show: what the listeners present now
// (issuer, names, validity, fingerprint), the self-signed fallback's fingerprint, and the state of
// ACME renewal.
import type { ServerCertificateStatus } from '../../../shared/api.ts';
import type { TlsMaterial } from '../tls.ts';
import { certificateInfo } from './store.ts';
import type { RenewalStatus } from './renewal.ts';

export function certificateStatus(
  inUse: { cert: string },
  fallback: Pick<TlsMaterial, 'fingerprint256' | 'selfSigned'>,
  renewal: RenewalStatus | null,
): ServerCertificateStatus {
  const info = certificateInfo(inUse.cert);
  const isFallback = info.fingerprint256 === fallback.fingerprint256;
  const settings = renewal?.settings ?? null;
  return {
    source: !isFallback ? 'acme' : fallback.selfSigned ? 'self-signed' : 'own',
    ...info,
    fallbackFingerprint256: fallback.fingerprint256,
    acme:
      settings && renewal
        ? {
            directoryUrl: settings.directoryUrl,
            domains: settings.domains,
            challenge: settings.challenge,
            renewing: renewal.renewing,
            progress: renewal.progress,
            renewAt: renewal.renewAt,
            nextCheckAt: renewal.nextCheckAt,
            lastAttemptAt: renewal.lastAttemptAt,
            lastError: renewal.lastError,
          }
        : null,
  };
}
