// Password hashing: scrypt (node:crypto) with a per-user random salt, PHC-style strings:
//   $scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>

import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEYLEN = 32;
const DEFAULT_LN = 15; // N = 32768: ~100 ms on the 2-core machine, 32 MiB

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEYLEN, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, ln = Number(process.env.HEARTH_SCRYPT_LN) || DEFAULT_LN): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) throw new Error('Password must not be empty');
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N: 2 ** ln, r: 8, p: 1 });
  return `$scrypt$ln=${ln},r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
}

const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** A hash of a random password, used so unknown users cost the same as known ones. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

/** Constant-time check of a password against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (!m || typeof password !== 'string') return false;
  const [, ln, r, p, saltB64, hashB64] = m;
  const expected = Buffer.from(hashB64!, 'base64');
  if (Number(ln) > 20 || Number(r) > 32 || Number(p) > 16 || expected.length !== KEYLEN) return false;
  const got = await scrypt(password, Buffer.from(saltB64!, 'base64'), { N: 2 ** Number(ln), r: Number(r), p: Number(p) });
  return timingSafeEqual(got, expected);
}
