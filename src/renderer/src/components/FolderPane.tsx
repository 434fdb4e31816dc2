import { useState } from 'react';
import type { Account, Mailbox, SpecialUse } from '../../../shared/api.ts';
import { carriesMessages, draggedIds } from '../message-drag.ts';
import type { SmartFolder } from '../../../shared/list-order.ts';

/** Smart folders, across every account, shown above the accounts. */
export const SMART_FOLDERS: Record<SmartFolder, string> = { inbox: 'All Inboxes', unread: 'Unread', flagged: 'Flagged' };

const ORDER: (SpecialUse | null)[] = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash', 'flagged', 'all', null];

interface Props {
  accounts: Account[];
  mailboxes: Mailbox[];
  selectedId: number | null;
  onSelect(id: number): void;
  /** Folder management; each resolves when the server has done it, or rejects with a message to show. */
  onCreate(accountId: string, parentId: number | null, name: string): Promise<void>;
  onRename(mailboxId: number, name: string): Promise<void>;
  onDelete(mailboxId: number): Promise<void>;
  /** "Import…" / "Export…" for the selected folder. */
  onTransfer?(mailbox: Mailbox, kind: 'import' | 'export'): void;
  /** Messages dragged from the list and dropped on a folder (of their account). */
  onDropMessages?(mailboxId: number, messageIds: number[]): void;
  /** The smart folder shown, if any. */
  smart?: SmartFolder | null;
  onSmart?(smart: SmartFolder): void;
}

type Editing = { kind: 'create'; accountId: string; parentId: number | null } | { kind: 'rename'; mailbox: Mailbox } | null;

export function FolderPane({
  accounts,
  mailboxes,
  selectedId,
  onSelect,
  onCreate,
  onRename,
  onDelete,
  onTransfer,
  onDropMessages,
  smart = null,
  onSmart,
}: Props) {
  const [dropOn, setDropOn] = useState<number | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const selected = mailboxes.find((m) => m.id === selectedId) ?? null;

  const submit = async () => {
    if (!editing) return;
    try {
      if (editing.kind === 'create') await onCreate(editing.accountId, editing.parentId, name);
      else await onRename(editing.mailbox.id, name);
      setEditing(null);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const form = (
    <form
      className="folder-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input autoFocus aria-label="Folder name" value={name} onChange={(e) => setName(e.target.value)} data-testid="folder-name-input" />
      <button type="submit">{editing?.kind === 'rename' ? 'Rename' : 'Create'}</button>
      <button type="button" onClick={() => setEditing(null)}>
        Cancel
      </button>
      {error && (
        <p className="account-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );

  return (
    <nav className="folders" aria-label="Folders">
      {onSmart && accounts.length > 0 && <SmartFolders mailboxes={mailboxes} selected={smart} onSelect={onSmart} />}
      {accounts.map((account) => {
        const own = mailboxes
          .filter((m) => m.accountId === account.id)
          .sort((a, b) => ORDER.indexOf(a.specialUse) - ORDER.indexOf(b.specialUse) || a.path.localeCompare(b.path));
        const selectedHere = selected && selected.accountId === account.id ? selected : null;
        return (
          <section key={account.id} className="account">
            <h2 title={account.email}>
              {account.name}
              {account.state === 'error' && (
                <span className="badge error" title={account.error?.message}>
                  !
                </span>
              )}
              {account.state === 'offline' && (
                <span className="badge" title={account.error?.message ?? 'Offline'}>
                  offline
                </span>
              )}
            </h2>
            {account.state === 'error' && account.error && (
              <p className="account-error" role="alert">
                {account.error.message}
              </p>
            )}
            <ul role="tree">
              {own.map((m) => {
                const depth = m.delimiter && m.parentPath ? m.path.split(m.delimiter).length - 1 : 0;
                return (
                  <li key={m.id} role="treeitem" aria-selected={m.id === selectedId}>
                    <button
                      type="button"
                      className={`folder${m.id === selectedId ? ' selected' : ''}${m.id === dropOn ? ' drop-target' : ''}`}
                      style={{ paddingLeft: 12 + depth * 14 }}
                      onClick={() => onSelect(m.id)}
                      onDragOver={(e) => {
                        if (!onDropMessages || !carriesMessages(e.dataTransfer)) return;
                        e.preventDefault();
                        e.dataTransfer.dropEffect = 'move';
                        setDropOn(m.id);
                      }}
                      onDragLeave={() => setDropOn((d) => (d === m.id ? null : d))}
                      onDrop={(e) => {
                        setDropOn(null);
                        if (!onDropMessages || !carriesMessages(e.dataTransfer)) return;
                        e.preventDefault();
                        const ids = draggedIds(e.dataTransfer);
                        if (ids.length) onDropMessages(m.id, ids);
                      }}
                      data-testid="folder"
                    >
                      <span className="folder-name">{m.name}</span>
                      {m.unseen > 0 && <span className="count">{m.unseen}</span>}
                    </button>
                  </li>
                );
              })}
            </ul>
            {editing && editing.kind === 'create' && editing.accountId === account.id && form}
            {editing && editing.kind === 'rename' && editing.mailbox.accountId === account.id && form}
            {!editing && (
              <div className="folder-tools">
                <button
                  type="button"
                  data-testid="new-folder"
                  title={selectedHere && !selectedHere.specialUse ? `New folder inside ${selectedHere.name}` : 'New folder'}
                  onClick={() => {
                    setName('');
                    setError(null);
                    setEditing({ kind: 'create', accountId: account.id, parentId: selectedHere && !selectedHere.specialUse ? selectedHere.id : null });
                  }}
                >
                  New folder
                </button>
                {selectedHere && onTransfer && (
                  <>
                    <button
                      type="button"
                      data-testid="import-folder"
                      title={`Import mail into ${selectedHere.name}`}
                      onClick={() => onTransfer(selectedHere, 'import')}
                    >
                      Import…
                    </button>
                    <button
                      type="button"
                      data-testid="export-folder"
                      title={`Export ${selectedHere.name} to mbox or .eml files`}
                      onClick={() => onTransfer(selectedHere, 'export')}
                    >
                      Export…
                    </button>
                  </>
                )}
                {selectedHere && !selectedHere.specialUse && (
                  <>
                    <button
                      type="button"
                      onClick={() => {
                        setName(selectedHere.name);
                        setError(null);
                        setEditing({ kind: 'rename', mailbox: selectedHere });
                      }}
                    >
                      Rename
                    </button>
                    <button
                      type="button"
                      onClick={() => {
                        if (window.confirm(`Delete the folder “${selectedHere.name}” and the messages in it?`))
                          void onDelete(selectedHere.id).catch((e: Error) => setError(e.message));
                      }}
                    >
                      Delete
                    </button>
                  </>
                )}
              </div>
            )}
            {!editing && error && (
              <p className="account-error" role="alert">
                {error}
              </p>
            )}
          </section>
        );
      })}
    </nav>
  );
}

/** All Inboxes, Unread and Flagged; the counts are the folders' unread counts (inboxes; all but Trash, Junk, Sent, Drafts). */
function SmartFolders({ mailboxes, selected, onSelect }: { mailboxes: Mailbox[]; selected: SmartFolder | null; onSelect(smart: SmartFolder): void }) {
  const unseen = (keep: (m: Mailbox) => boolean) => mailboxes.filter(keep).reduce((n, m) => n + m.unseen, 0);
  const counts: Record<SmartFolder, number> = {
    inbox: unseen((m) => m.specialUse === 'inbox'),
    unread: unseen((m) => !['trash', 'junk', 'sent', 'drafts'].includes(m.specialUse ?? '')),
    flagged: 0,
  };
  return (
    <section className="account smart-folders">
      <ul role="tree" aria-label="Smart folders">
        {(Object.keys(SMART_FOLDERS) as SmartFolder[]).map((key) => (
          <li key={key} role="treeitem" aria-selected={selected === key}>
            <button type="button" className={selected === key ? 'folder selected' : 'folder'} onClick={() => onSelect(key)} data-testid={`smart-${key}`}>
              <span className="folder-name">{SMART_FOLDERS[key]}</span>
              {counts[key] > 0 && <span className="count">{counts[key]}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
