// Start at login on Linux desktops: an XDG autostart entry (~/.config/autostart/hearth.desktop,
// https://specifications.freedesktop.org/autostart-spec/), which GNOME, KDE, Xfce and others
// read. Electron's login item settings cover macOS and Windows only.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atomicWriteFileSync } from '../base/fs-durable.ts';

export function autostartFile(configHome = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')): string {
  return path.join(configHome, 'autostart', 'hearth.desktop');
}

/** Quotes one Exec argument as the Desktop Entry spec asks (double quotes; \ " ` $ escaped). */
function execArg(arg: string): string {
  return /^[A-Za-z0-9_/.:=+-]+$/.test(arg) ? arg : `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}

/** Adds or removes the entry; `command` is the program and its arguments (Hearth starts hidden). */
export function setXdgAutostart(open: boolean, command: readonly string[], file = autostartFile()): void {
  if (!open) {
    if (existsSync(file)) rmSync(file);
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const entry = [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Hearth',
    'Comment=Mail, and the household mail server',
    `Exec=${command.map(execArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
  atomicWriteFileSync(file, entry, 0o644);
}
