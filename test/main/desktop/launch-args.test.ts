// Command lines of a launch (first or second), and the Linux start-at-login entry.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseLaunchArgs } from '../../../src/main/desktop/launch-args.ts';
import { setXdgAutostart } from '../../../src/main/desktop/xdg-autostart.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('parseLaunchArgs', () => {
  it('finds mailto: links and .eml files among flags, the executable and the app folder', () => {
    expect(
      parseLaunchArgs(['/opt/Hearth/hearth', '.', '--no-sandbox', 'MAILTO:a@x.test', 'in/Note.eml', '/abs/b.EML', 'photo.png', '--x=y.eml'], '/home/ann'),
    ).toEqual({
      mailto: ['MAILTO:a@x.test'],
      emlFiles: ['/home/ann/in/Note.eml', '/abs/b.EML'],
    });
  });
});

describe('setXdgAutostart', () => {
  it('writes an autostart entry that starts Hearth hidden, and removes it again', () => {
    const file = path.join(tempDir('xdg'), 'autostart', 'hearth.desktop');
    setXdgAutostart(true, ['/home/ann/Apps/Hearth 1.0.AppImage', '--hidden'], file);
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=Hearth\n');
    expect(entry).toContain('Exec="/home/ann/Apps/Hearth 1.0.AppImage" --hidden\n');
    setXdgAutostart(false, [], file);
    expect(existsSync(file)).toBe(false);
    setXdgAutostart(false, [], file);
  });
});
