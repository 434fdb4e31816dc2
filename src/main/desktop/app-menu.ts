// The native application menu and the tray menu, as data. Message commands carry the keys the
// renderer already handles (README "Keys") as accelerators, and go to the renderer as
// `desktop.intent` commands; Check mail and Quit are handled in main.
import type { MenuCommand } from '../../shared/desktop.ts';
import type { MenuItem } from './platform.ts';

/** Ids of the commands main handles itself; every other command id is a MenuCommand for the renderer. */
export const MAIN_COMMANDS = { open: 'main.open', checkMail: 'main.checkMail', quit: 'main.quit' } as const;

const cmd = (id: MenuCommand, label: string, accelerator?: string): MenuItem => ({ kind: 'command', id, label, ...(accelerator ? { accelerator } : {}) });
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
        cmd('settings', 'Settings…', 'CmdOrCtrl+,'),
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
        cmd('compose', 'New Message', 'C'),
        { kind: 'command', id: MAIN_COMMANDS.checkMail, label: 'Get New Mail', accelerator: 'R' },
        sep,
        cmd('addAccount', 'Add Account…'),
        cmd('server', 'Household Server…'),
        ...(mac ? [] : [cmd('settings', 'Settings…', 'CmdOrCtrl+,'), sep, quit]),
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
        cmd('search', 'Search Messages', '/'),
      ],
    },
    {
      kind: 'submenu',
      label: 'View',
      role: 'viewMenu',
      items: [
        cmd('nextMessage', 'Next Message', 'J'),
        cmd('previousMessage', 'Previous Message', 'K'),
        cmd('closeMessage', 'Close Message', 'Escape'),
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
        cmd('reply', 'Reply', 'A'),
        cmd('replyAll', 'Reply All', 'Shift+A'),
        cmd('forward', 'Forward', 'F'),
        sep,
        cmd('archive', 'Archive', 'E'),
        cmd('delete', 'Delete', 'Delete'),
        sep,
        cmd('toggleRead', 'Mark as Read/Unread', 'U'),
        cmd('toggleFlag', 'Flag/Unflag', 'S'),
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
      items: [{ kind: 'role', role: 'about', label: 'About Hearth' }],
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
