// The message list's context menu: where it is open, what it acts on (the selection when the
// row is in it, else that row alone) and its entries.
import { useCallback, useState } from 'react';
import type { Mailbox } from '../../shared/api.ts';
import type { MenuGroup, MenuItem } from './components/ContextMenu.tsx';
import { countLabel, type BulkAction } from './use-bulk-actions.ts';

export interface MessageMenu {
  /** Where the menu is open (null: closed). */
  at: { x: number; y: number } | null;
  label: string;
  entries: (MenuItem | MenuGroup)[];
  open(id: number, x: number, y: number): void;
  close(): void;
}

interface Options {
  /** What actions apply to now (use-selection.ts). */
  targets: readonly number[];
  /** Folders the messages can move to. */
  folders: Mailbox[];
  hasArchive: boolean;
  apply(targets: readonly number[], action: BulkAction): void;
  openMessage(id: number): void;
}

export function useMessageMenu({ targets, folders, hasArchive, apply, openMessage }: Options): MessageMenu {
  const [menu, setMenu] = useState<{ id: number; x: number; y: number } | null>(null);
  const open = useCallback((id: number, x: number, y: number) => setMenu({ id, x, y }), []);
  const close = useCallback(() => setMenu(null), []);
  const on = menu ? (targets.includes(menu.id) ? targets : [menu.id]) : [];
  const run = (action: BulkAction) => () => apply(on, action);
  const entries: (MenuItem | MenuGroup)[] = menu
    ? [
        ...(on.length === 1 ? [{ label: 'Open', onSelect: () => openMessage(on[0]!) }] : []),
        { label: 'Mark read', onSelect: run({ kind: 'read', on: true }), testId: 'menu-read' },
        { label: 'Mark unread', onSelect: run({ kind: 'read', on: false }), testId: 'menu-unread' },
        { label: 'Flag', onSelect: run({ kind: 'flag', on: true }), testId: 'menu-flag' },
        { label: 'Unflag', onSelect: run({ kind: 'flag', on: false }), testId: 'menu-unflag' },
        ...(hasArchive ? [{ label: 'Archive', onSelect: run({ kind: 'archive' }), testId: 'menu-archive' }] : []),
        { label: 'Delete', onSelect: run({ kind: 'delete' }), testId: 'menu-delete' },
        {
          label: 'Move to',
          items: folders.map((m) => ({ label: m.path, onSelect: run({ kind: 'move', targetMailboxId: m.id }), testId: `menu-move-${m.path}` })),
        },
      ]
    : [];
  return { at: menu, label: `Actions on ${countLabel(on.length)}`, entries, open, close };
}
