// Passwords are never stored in clear. The desktop app seals them with Electron's safeStorage
// (the OS keychain); the Node host seals them with AES-256-GCM under a random key kept in
// `<data>/secret.key` (mode 0600) — see README "Where passwords are kept".
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import path from 'node:path';
import { HearthError } from '../../shared/errors.ts';

export interface SecretBox {
  /** Which mechanism sealed the value; stored with it so a value is opened by the same one. */
  readonly kind: string;
  seal(plain: string): string;
  open(sealed: string): string;
}

export class FileKeySecretBox implements SecretBox {
  readonly kind = 'aes-gcm-file';
  private readonly key: Buffer;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const keyPath = path.join(dataDir, 'secret.key');
    if (!existsSync(keyPath)) writeKeyFile(keyPath, randomBytes(32));
    this.key = readFileSync(keyPath);
    if (this.key.length !== 32) throw new HearthError('STORAGE', `${keyPath} is damaged (expected 32 bytes)`);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${this.kind}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string): string {
    const prefix = `${this.kind}:`;
    if (!sealed.startsWith(prefix)) throw new HearthError('STORAGE', 'Password was sealed by another mechanism');
    const raw = Buffer.from(sealed.slice(prefix.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new HearthError('STORAGE', 'A saved password could not be decrypted (secret.key changed?)');
    }
  }
}

function writeKeyFile(keyPath: string, key: Buffer): void {
  const tmp = `${keyPath}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, keyPath);
}
