// Hearth's POP3 client library.
export { Pop3Client } from './client.ts';
export type { Pop3AuthMethod, Pop3ClientOptions, Pop3ListEntry, Pop3Security, Pop3Stat, Pop3UidlEntry } from './client.ts';
export { apopDigest } from './apop.ts';
export { DotUnstuffer } from './dot-unstuffer.ts';
export { apopTimestamp, errorFromStatus, parseCapabilities, parseStatusLine } from './response.ts';
