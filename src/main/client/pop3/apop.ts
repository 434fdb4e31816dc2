// RFC 1939 APOP: MD5 of the greeting's timestamp followed by the shared secret, in lower-case hex.
import { createHash } from 'node:crypto';

export function apopDigest(timestamp: string, password: string): string {
  return createHash('md5')
    .update(timestamp + password, 'utf8')
    .digest('hex');
}
