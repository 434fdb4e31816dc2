// Every keyboard shortcut of the main window, in one table: the renderer's App.tsx handles keys
// through it, the `?` overlay (ShortcutHelp) lists it, and the native menus (src/main/desktop/
// app-menu.ts) show its keys as accelerators, so the three never disagree.

export type Command =
  | 'next'
  | 'previous'
  | 'open'
  | 'close'
  | 'toggleSelect'
  | 'selectAll'
  | 'archive'
  | 'delete'
  | 'toggleRead'
  | 'toggleFlag'
  | 'undo'
  | 'reply'
  | 'replyAll'
  | 'forward'
  | 'compose'
  | 'search'
  | 'checkMail'
  | 'settings'
  | 'help';

export interface Shortcut {
  command: Command;
  /** KeyboardEvent.key values; "Mod+a" is Ctrl+A (Cmd+A on macOS). */
  keys: string[];
  /** What the help overlay says. */
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { command: 'next', keys: ['j', 'ArrowDown'], label: 'Next message' },
  { command: 'previous', keys: ['k', 'ArrowUp'], label: 'Previous message' },
  { command: 'open', keys: ['Enter', 'o'], label: 'Open the message' },
  { command: 'close', keys: ['Escape'], label: 'Clear the selection, then close the message' },
  { command: 'toggleSelect', keys: ['x'], label: 'Select or unselect the message' },
  { command: 'selectAll', keys: ['Mod+a'], label: 'Select every message in the list' },
  { command: 'archive', keys: ['e'], label: 'Archive' },
  { command: 'delete', keys: ['Delete', '#'], label: 'Delete (to Trash; in Trash, for good)' },
  { command: 'toggleRead', keys: ['u'], label: 'Mark read or unread' },
  { command: 'toggleFlag', keys: ['s'], label: 'Flag or unflag' },
  { command: 'undo', keys: ['z'], label: 'Undo the last move, archive or delete' },
  { command: 'reply', keys: ['a'], label: 'Reply' },
  { command: 'replyAll', keys: ['A'], label: 'Reply to all' },
  { command: 'forward', keys: ['f'], label: 'Forward' },
  { command: 'compose', keys: ['c'], label: 'Write a new message' },
  { command: 'search', keys: ['/'], label: 'Search' },
  { command: 'checkMail', keys: ['r'], label: 'Check for new mail' },
  { command: 'settings', keys: ['Mod+,'], label: 'Settings' },
  { command: 'help', keys: ['?'], label: 'Show these shortcuts' },
];

/** What a key press carries (a DOM KeyboardEvent has it; main has no DOM types). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** The key as the table writes it: "Mod+" in front when Ctrl (or Cmd) is held. */
function keyName(e: Omit<KeyPress, 'altKey'>): string {
  const key = e.key.length === 1 && (e.ctrlKey || e.metaKey) ? e.key.toLowerCase() : e.key;
  return e.ctrlKey || e.metaKey ? `Mod+${key}` : key;
}

/** The command a key press means, or null (Alt combinations are never ours). */
export function commandFor(e: KeyPress): Command | null {
  if (e.altKey) return null;
  const name = keyName(e);
  return SHORTCUTS.find((s) => s.keys.includes(name))?.command ?? null;
}

/** How a key shows in the help overlay. */
export function keyLabel(key: string, mac: boolean): string {
  const names: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', Escape: 'Esc' };
  if (key.startsWith('Mod+')) return `${mac ? '⌘' : 'Ctrl+'}${key.slice(4).toUpperCase()}`;
  if (key === 'A') return 'Shift+A';
  return names[key] ?? key;
}

/** The first key of a command, as a menu accelerator: "j" is "J", "A" is "Shift+A", "Mod+," is "CmdOrCtrl+,". */
export function menuAccelerator(command: Command): string {
  const key = SHORTCUTS.find((s) => s.command === command)!.keys[0]!;
  if (key.startsWith('Mod+')) return `CmdOrCtrl+${key.slice(4).toUpperCase()}`;
  if (key.length === 1 && key !== key.toLowerCase()) return `Shift+${key}`;
  return key.length === 1 ? key.toUpperCase() : key;
}
