// MTA-STS (RFC 8461): the policy served at https://mta-sts.<domain>/.well-known/mta-sts.txt and
// the _mta-sts TXT record whose id changes whenever the policy does, so senders fetch it again.
// "enforce" only with a certificate other servers can verify; while the household runs on its
// self-signed certificate the policy says "testing" (senders report failures but still deliver).
import { createHash } from 'node:crypto';
import { autoconfigHttpLimits } from '../../base/limits.ts';

export interface MtaStsPolicy {
  mode: 'enforce' | 'testing' | 'none';
  /** MX host names (patterns like *.example.org allowed by the RFC; we publish exact names). */
  mx: string[];
  /** Seconds senders may cache the policy (RFC 8461 3.2: at most 31557600). */
  maxAgeSeconds: number;
}

/** The policy file: key: value lines, CRLF-terminated (RFC 8461 3.2). */
export function mtaStsPolicyText(p: MtaStsPolicy): string {
  return ['version: STSv1', `mode: ${p.mode}`, ...p.mx.map((m) => `mx: ${m}`), `max_age: ${p.maxAgeSeconds}`].map((l) => `${l}\r\n`).join('');
}

/** The TXT record's id (1-32 letters and digits, RFC 8461 3.1): a digest of the policy text. */
export function mtaStsId(p: MtaStsPolicy): string {
  return createHash('sha256').update(mtaStsPolicyText(p)).digest('hex').slice(0, 32);
}

/**
 * The household's policy, the same for `serve` (which serves it) and `hearth dns` (which publishes
 * its id): its one MX host, "enforce" only with a certificate of its own (RFC 8461 4.1: senders
 * must be able to verify it), "testing" with the self-signed one.
 */
export function householdMtaStsPolicy(mxHost: string, ownCertificate: boolean): MtaStsPolicy {
  return { mode: ownCertificate ? 'enforce' : 'testing', mx: [mxHost], maxAgeSeconds: autoconfigHttpLimits.mtaStsMaxAgeSeconds };
}
