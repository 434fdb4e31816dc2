// A stand-in for an unpacked Electron, for building packages where no Electron binary can be
// downloaded: what electron-builder's `dir` target copies (the `electron` executable and the
// licence files) and what its fuse step edits (Electron's fuse wire: a sentinel, the wire's
// version and length, one byte per fuse — https://github.com/electron/fuses).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's defaults, in @electron/fuses' order (RunAsNode, EnableCookieEncryption, EnableNodeOptionsEnvironmentVariable, …). */
const DEFAULT_WIRE = '101100011';

export function makeElectronStandIn(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE, 'latin1')]);
  writeFileSync(
    path.join(dir, 'electron'),
    Buffer.concat([Buffer.from('#!/bin/sh\necho "Electron stand-in: no app runs here" >&2\nexit 1\n'), wire, Buffer.from('\n')]),
    {
      mode: 0o755,
    },
  );
  writeFileSync(path.join(dir, 'LICENSE.electron.txt'), 'Electron stand-in licence\n');
  writeFileSync(path.join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>Chromium stand-in licences</title>\n');
  writeFileSync(path.join(dir, 'version'), '45.4.1');
  return dir;
}
