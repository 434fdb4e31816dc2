// One user's levers: a new password (typed twice), the storage limit, and removal after a
// confirmation. One editor open at a time, below the row; Escape closes it.
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { AdminUser } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { useAdminAction } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { formatQuota } from './format-size.ts';

type Editor = 'password' | 'quota' | 'remove' | null;

export function UserActions({ api, user, onChanged }: { api: Transport; user: AdminUser; onChanged(): void }) {
  const [editor, setEditor] = useState<Editor>(null);
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [quota, setQuota] = useState(user.quotaBytes ? formatQuota(user.quotaBytes) : '');
  const [deleteMail, setDeleteMail] = useState(false);
  const action = useAdminAction();
  const close = () => {
    setEditor(null);
    setPassword('');
    setAgain('');
    action.clear();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    }
  };
  const done = () => {
    close();
    onChanged();
  };
  const submitPassword = (e: FormEvent) => {
    e.preventDefault();
    if (password !== again) return;
    void action.run(() => api.call('server.users.setPassword', { address: user.address, password }), done);
  };
  const submitQuota = (e: FormEvent) => {
    e.preventDefault();
    void action.run(() => api.call('server.users.setQuota', { address: user.address, quota: quota.trim() || 'none' }), done);
  };
  const who = user.address;
  return (
    <div className="user-actions" onKeyDown={onKey}>
      <div className="buttons">
        <button type="button" aria-label={`Set password of ${who}`} aria-expanded={editor === 'password'} onClick={() => setEditor('password')}>
          Password…
        </button>
        <button type="button" aria-label={`Set quota of ${who}`} aria-expanded={editor === 'quota'} onClick={() => setEditor('quota')}>
          Quota…
        </button>
        <button type="button" className="danger" aria-label={`Remove ${who}`} aria-expanded={editor === 'remove'} onClick={() => setEditor('remove')}>
          Remove…
        </button>
      </div>
      {editor === 'password' && (
        <form className="inline-editor" onSubmit={submitPassword} aria-label={`New password for ${who}`}>
          <label>
            New password
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" autoFocus />
          </label>
          <label>
            Again
            <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" />
          </label>
          {again && password !== again && <span className="muted">The passwords differ</span>}
          <button type="submit" className="primary" disabled={!password || password !== again || action.busy}>
            Set password
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </form>
      )}
      {editor === 'quota' && (
        <form className="inline-editor" onSubmit={submitQuota} aria-label={`Quota of ${who}`}>
          <label>
            Storage limit (500M, 2G, or empty for none)
            <input value={quota} onChange={(e) => setQuota(e.target.value)} autoFocus />
          </label>
          <button type="submit" className="primary" disabled={action.busy}>
            Set quota
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </form>
      )}
      {editor === 'remove' && (
        <div className="inline-editor" role="group" aria-label={`Confirm removal of ${who}`}>
          <span>
            Remove <strong>{who}</strong>? They can no longer log in; aliases to them go too.
          </span>
          <label className="check">
            <input type="checkbox" checked={deleteMail} onChange={(e) => setDeleteMail(e.target.checked)} /> Also delete their mail
          </label>
          <button
            type="button"
            className="danger"
            autoFocus
            disabled={action.busy}
            onClick={() => void action.run(() => api.call('server.users.remove', { address: who, deleteMail }), done)}
          >
            Yes, remove {who}
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      )}
      <ErrorNote error={action.error} />
    </div>
  );
}
