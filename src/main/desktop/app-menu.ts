// The native application menu and the tray menu, as data. Message commands show the keys the
// renderer handles, taken from its own table (src/shared/shortcuts.ts), as accelerators, and go to
// the renderer as `desktop.intent` commands; Check mail and Quit are handled in main.
import type { MenuCommand } from '../../shared/desktop.ts';
import { menuAccelerator, type Command } from '../../shared/shortcuts.ts';
import type { MenuItem } from './platform.ts';

/** Ids of the commands main handles itself; every other command id is a MenuCommand for the renderer. */
export const MAIN_COMMANDS = { open: 'main.open', checkMail: 'main.checkMail', quit: 'main.quit' } as const;

/** A menu command, with the key of the shortcut table's `key` command when it has one. */
const cmd = (id: MenuCommand, label: string, key?: Command): MenuItem => ({
  kind: 'command',
  id,
  label,
  ...(key ? { accelerator: menuAccelerator(key) } : {}),
});
const sep: MenuItem = { kind: 'separator' };

export function applicationMenu(os: NodeJS.Platform): MenuItem[] {
  const mac = os === 'darwin';
  const quit: MenuItem = { kind: 'command', id: MAIN_COMMANDS.quit, label: 'Quit Hearth', accelerator: 'CmdOrCtrl+Q' };
  const menu: MenuItem[] = [];
  if (mac) {
    menu.push({
      kind: 'submenu',
      label: 'Hearth',
      role: 'appMenu',
      items: [
        { kind: 'role', role: 'about' },
        sep,
        cmd('settings', 'Settings…', 'settings'),
        sep,
        { kind: 'role', role: 'services' },
        sep,
        { kind: 'role', role: 'hide' },
        { kind: 'role', role: 'hideOthers' },
        { kind: 'role', role: 'unhide' },
        sep,
        quit,
      ],
    });
  }
  menu.push(
    {
      kind: 'submenu',
      label: 'File',
      role: 'fileMenu',
      items: [
        cmd('compose', 'New Message', 'compose'),
        { kind: 'command', id: MAIN_COMMANDS.checkMail, label: 'Get New Mail', accelerator: menuAccelerator('checkMail') },
        sep,
        cmd('addAccount', 'Add Account…'),
        cmd('server', 'Household Server…'),
        ...(mac ? [] : [cmd('settings', 'Settings…', 'settings'), sep, quit]),
      ],
    },
    {
      kind: 'submenu',
      label: 'Edit',
      role: 'editMenu',
      items: [
        { kind: 'role', role: 'undo' },
        { kind: 'role', role: 'redo' },
        sep,
        { kind: 'role', role: 'cut' },
        { kind: 'role', role: 'copy' },
        { kind: 'role', role: 'paste' },
        { kind: 'role', role: 'selectAll' },
        sep,
        cmd('search', 'Search Messages', 'search'),
      ],
    },
    {
      kind: 'submenu',
      label: 'View',
      role: 'viewMenu',
      items: [
        cmd('nextMessage', 'Next Message', 'next'),
        cmd('previousMessage', 'Previous Message', 'previous'),
        cmd('closeMessage', 'Close Message', 'close'),
        sep,
        { kind: 'role', role: 'resetZoom' },
        { kind: 'role', role: 'zoomIn' },
        { kind: 'role', role: 'zoomOut' },
        sep,
        { kind: 'role', role: 'togglefullscreen' },
        { kind: 'role', role: 'reload' },
        { kind: 'role', role: 'toggleDevTools' },
      ],
    },
    {
      kind: 'submenu',
      label: 'Message',
      items: [
        cmd('reply', 'Reply', 'reply'),
        cmd('replyAll', 'Reply All', 'replyAll'),
        cmd('forward', 'Forward', 'forward'),
        sep,
        cmd('archive', 'Archive', 'archive'),
        cmd('delete', 'Delete', 'delete'),
        sep,
        cmd('toggleRead', 'Mark as Read/Unread', 'toggleRead'),
        cmd('toggleFlag', 'Flag/Unflag', 'toggleFlag'),
      ],
    },
    {
      kind: 'submenu',
      label: 'Window',
      role: 'windowMenu',
      items: [{ kind: 'role', role: 'minimize' }, { kind: 'role', role: 'zoom' }, ...(mac ? [sep, { kind: 'role', role: 'front' } as MenuItem] : [])],
    },
    {
      kind: 'submenu',
      label: 'Help',
      role: 'help',
      items: [cmd('shortcuts', 'Keyboard Shortcuts', 'help'), sep, { kind: 'role', role: 'about', label: 'About Hearth' }],
    },
  );
  return menu;
}

export function trayMenu(): MenuItem[] {
  return [
    { kind: 'command', id: MAIN_COMMANDS.open, label: 'Open Hearth' },
    { kind: 'command', id: MAIN_COMMANDS.checkMail, label: 'Check Mail' },
    sep,
    { kind: 'command', id: MAIN_COMMANDS.quit, label: 'Quit Hearth' },
  ];
}
