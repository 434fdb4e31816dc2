// Adding a household member: address, name, password twice; checked here first, then by the
// server (the same rules as `hearth user add`, which answers with a code and the field).
import { useState, type FormEvent } from 'react';
import type { Transport } from '../../api/transport.ts';
import { useAdminAction } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';

const MIN_PASSWORD = 8;

export function AddUserForm({ api, domain, onAdded }: { api: Transport; domain: string | null; onAdded(): void }) {
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const action = useAdminAction();
  const problem = !/^[^\s@]+@[^\s@]+$/.test(address.trim())
    ? 'Enter the full address'
    : password.length < MIN_PASSWORD
      ? `The password needs at least ${MIN_PASSWORD} characters`
      : password !== again
        ? 'The passwords differ'
        : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    void action.run(
      () => api.call('server.users.add', { address: address.trim(), password, ...(name.trim() ? { displayName: name.trim() } : {}) }),
      () => {
        setAddress('');
        setName('');
        setPassword('');
        setAgain('');
        onAdded();
      },
    );
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby="add-user-title">
      <h3 id="add-user-title">Add a user</h3>
      <div className="fields">
        <label>
          Address
          <input value={address} onChange={(e) => setAddress(e.target.value)} placeholder={`name@${domain ?? 'home.arpa'}`} autoComplete="off" required />
        </label>
        <label>
          Name (optional)
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />
        </label>
        <label>
          Password again
          <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required />
        </label>
      </div>
      <div className="actions">
        {(address || password) && problem && <span className="muted">{problem}</span>}
        <button type="submit" className="primary" disabled={Boolean(problem) || action.busy}>
          Add user
        </button>
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}
