// The native menus show the very keys the renderer handles: one table (src/shared/shortcuts.ts)
// for the window's key handling, its `?` overlay and the menus' accelerators.
import { describe, expect, it } from 'vitest';
import { applicationMenu, MAIN_COMMANDS, trayMenu } from '../../../src/main/desktop/app-menu.ts';
import type { MenuItem } from '../../../src/main/desktop/platform.ts';
import { MenuCommand } from '../../../src/shared/desktop.ts';
import { menuAccelerator, SHORTCUTS, type Command } from '../../../src/shared/shortcuts.ts';

type CommandItem = Extract<MenuItem, { kind: 'command' }>;

function commands(menu: MenuItem[]): CommandItem[] {
  return menu.flatMap((i) => (i.kind === 'command' ? [i] : i.kind === 'submenu' ? commands(i.items) : []));
}

/** The shortcut-table command a menu item does, where the two name it differently. */
const SAME_AS: Record<string, Command> = {
  nextMessage: 'next',
  previousMessage: 'previous',
  closeMessage: 'close',
  shortcuts: 'help',
  [MAIN_COMMANDS.checkMail]: 'checkMail',
};
const tableCommand = (id: string): Command | undefined => SAME_AS[id] ?? SHORTCUTS.find((s) => s.command === id)?.command;

describe('application menu and the shortcut table', () => {
  for (const os of ['linux', 'win32', 'darwin'] as const) {
    it(`on ${os}: every menu item for a command of the table shows that command's key`, () => {
      const items = commands(applicationMenu(os));
      const withKeys = items.filter((i) => tableCommand(i.id));
      expect(withKeys.length).toBeGreaterThanOrEqual(15);
      for (const item of withKeys) expect(item.accelerator, item.label).toBe(menuAccelerator(tableCommand(item.id)!));
      // The only other accelerator is Quit's.
      expect(items.filter((i) => i.accelerator && !tableCommand(i.id)).map((i) => i.id)).toEqual([MAIN_COMMANDS.quit]);
    });
  }

  it('every command the renderer carries out from the menu is in it, and each table command the menu can ask for has an item', () => {
    const ids = new Set(commands(applicationMenu('linux')).map((i) => i.id));
    // Get New Mail is main's own (it also answers the tray); the renderer's checkMail is the same act.
    for (const c of MenuCommand.options) expect(ids.has(c === 'checkMail' ? MAIN_COMMANDS.checkMail : c), c).toBe(true);
    for (const s of SHORTCUTS) {
      const menuId = Object.entries(SAME_AS).find(([, c]) => c === s.command)?.[0] ?? s.command;
      if (MenuCommand.safeParse(menuId).success && menuId !== 'checkMail') expect(ids.has(menuId), s.command).toBe(true);
    }
  });

  it('writes keys the way Electron reads accelerators', () => {
    const of = (c: Command) => menuAccelerator(c);
    expect([of('next'), of('reply'), of('replyAll'), of('delete'), of('close'), of('search'), of('selectAll'), of('settings'), of('help')]).toEqual([
      'J',
      'A',
      'Shift+A',
      'Delete',
      'Escape',
      '/',
      'CmdOrCtrl+A',
      'CmdOrCtrl+,',
      '?',
    ]);
  });

  it('the tray has Open, Check Mail and Quit', () => {
    expect(trayMenu().flatMap((i) => (i.kind === 'command' ? [i.id] : []))).toEqual([MAIN_COMMANDS.open, MAIN_COMMANDS.checkMail, MAIN_COMMANDS.quit]);
  });
});
