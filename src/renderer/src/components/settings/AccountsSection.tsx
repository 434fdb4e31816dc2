// The accounts in the user's order, each movable up and down (the folder pane follows), and the
// picked one's editor below.
import { useState } from 'react';
import type { Account } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { AccountEditor } from './AccountEditor.tsx';
import { useSave } from './use-save.ts';
import { SaveStatus } from './SaveStatus.tsx';

interface Props {
  api: Transport;
  accounts: Account[];
  /** The account to open first, and whether its password field takes the focus. */
  initialAccountId?: string | undefined;
  focusPassword?: boolean;
  onAddAccount(): void;
}

const STATE: Record<Account['state'], string> = { connecting: 'connecting', syncing: 'syncing', online: 'connected', offline: 'offline', error: 'problem' };

export function AccountsSection({ api, accounts, initialAccountId, focusPassword = false, onAddAccount }: Props) {
  const [picked, setPicked] = useState<string | undefined>(initialAccountId);
  const account = accounts.find((a) => a.id === picked) ?? accounts[0];
  const move = useSave();
  const moveBy = (i: number, delta: number) => {
    const ids = accounts.map((a) => a.id);
    const [id] = ids.splice(i, 1);
    ids.splice(i + delta, 0, id!);
    void move.run(() => api.call('accounts.reorder', { accountIds: ids }));
  };
  if (accounts.length === 0)
    return (
      <p>
        No accounts yet.{' '}
        <button type="button" onClick={onAddAccount}>
          Add account
        </button>
      </p>
    );
  return (
    <>
      <ol className="settings-accounts" aria-label="Accounts, in the order shown">
        {accounts.map((a, i) => (
          <li key={a.id} className={a.id === account?.id ? 'picked' : ''} data-testid="settings-account">
            <button type="button" className="account-pick" aria-pressed={a.id === account?.id} onClick={() => setPicked(a.id)}>
              <strong>{a.name}</strong> <span className="muted">{a.email}</span>
            </button>
            <span className={`state ${a.state}`}>{STATE[a.state]}</span>
            <button type="button" aria-label={`Move ${a.name} up`} title="Move up" disabled={i === 0 || move.busy} onClick={() => moveBy(i, -1)}>
              ↑
            </button>
            <button
              type="button"
              aria-label={`Move ${a.name} down`}
              title="Move down"
              disabled={i === accounts.length - 1 || move.busy}
              onClick={() => moveBy(i, 1)}
            >
              ↓
            </button>
          </li>
        ))}
      </ol>
      <div className="actions start">
        <button type="button" onClick={onAddAccount}>
          Add account…
        </button>
        <SaveStatus error={move.error} saved={false} />
      </div>
      {account && (
        <AccountEditor
          key={account.id}
          api={api}
          account={account}
          focusPassword={focusPassword && account.id === initialAccountId}
          onRemoved={() => setPicked(undefined)}
        />
      )}
    </>
  );
}
