import type { Account, Mailbox, SpecialUse } from '../../../shared/api.ts';

const ORDER: (SpecialUse | null)[] = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash', 'flagged', 'all', null];

interface Props {
  accounts: Account[];
  mailboxes: Mailbox[];
  selectedId: number | null;
  onSelect(id: number): void;
}

export function FolderPane({ accounts, mailboxes, selectedId, onSelect }: Props) {
  return (
    <nav className="folders" aria-label="Folders">
      {accounts.map((account) => {
        const own = mailboxes
          .filter((m) => m.accountId === account.id)
          .sort((a, b) => ORDER.indexOf(a.specialUse) - ORDER.indexOf(b.specialUse) || a.path.localeCompare(b.path));
        return (
          <section key={account.id} className="account">
            <h2 title={account.email}>
              {account.name}
              {account.state === 'error' && (
                <span className="badge error" title={account.error?.message}>
                  !
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
                      className={m.id === selectedId ? 'folder selected' : 'folder'}
                      style={{ paddingLeft: 12 + depth * 14 }}
                      onClick={() => onSelect(m.id)}
                    >
                      <span className="folder-name">{m.name}</span>
                      {m.unseen > 0 && <span className="count">{m.unseen}</span>}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
