// What `npm run dist` is asked to make on a normal machine (test/packaging/asar.test.ts builds and
// checks the Linux `dir` build here): the four package kinds, the fuses, the mailto: and .eml
// registrations, and only the built app in the asar.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const config = createRequire(import.meta.url)(path.join(ROOT, 'electron-builder.config.cjs')) as {
  files: string[];
  electronFuses: Record<string, boolean>;
  protocols: { schemes: string[] }[];
  fileAssociations: { ext: string; mimeType: string }[];
  linux: { target: string[]; mimeTypes: string[] };
  mac: { target: string[] };
  win: { target: string[] };
};

describe('electron-builder configuration', () => {
  it('targets AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('sets the fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar integrity on; the app only from the asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('registers Hearth for mailto: links and .eml files', () => {
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual(['mailto']);
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'eml', mimeType: 'message/rfc822' })]);
    expect(config.linux.mimeTypes).toEqual(expect.arrayContaining(['x-scheme-handler/mailto', 'message/rfc822']));
  });

  it('puts only the build output and package.json in the asar', () => {
    expect(config.files.filter((f) => !f.startsWith('!'))).toEqual(['out/**', 'package.json']);
  });
});
