// Setting the smarthost all outgoing mail goes through: host, port, TLS mode (STARTTLS on 587,
// implicit TLS on 465, or none only when allowed explicitly), the login and the CA of a relay whose
// certificate is not publicly trusted. Checked here first, then by the server (the same rules as
// `hearth smarthost set`). The stored password never comes back: left empty, it is kept.
import { useState, type FormEvent } from 'react';
import type { ServerRelayStatus } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { useAdminAction } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';

type Mode = 'starttls' | 'implicit' | 'none';
const DEFAULT_PORT: Record<Mode, number> = { starttls: 587, implicit: 465, none: 25 };

export function SmarthostForm({ api, current, onSaved }: { api: Transport; current: ServerRelayStatus['smarthost']; onSaved(): void }) {
  const [host, setHost] = useState(current?.host ?? '');
  const [port, setPort] = useState(String(current?.port ?? 587));
  const [tls, setTls] = useState<Mode>(current?.tls ?? 'starttls');
  const [allowPlaintext, setAllowPlaintext] = useState(current?.tls === 'none');
  const [user, setUser] = useState(current?.user ?? '');
  const [password, setPassword] = useState('');
  const [caCert, setCaCert] = useState('');
  const action = useAdminAction();
  const portNumber = Number(port);
  const keepsPassword = Boolean(current?.hasPassword && user.trim() === (current.user ?? ''));
  const problem = !host.trim()
    ? 'Enter the host name'
    : !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535
      ? 'The port is a number from 1 to 65535'
      : tls === 'none' && !allowPlaintext
        ? 'Without TLS, allow sending in clear first'
        : password && !user.trim()
          ? 'A password needs a user name'
          : caCert.trim() && !caCert.includes('-----BEGIN CERTIFICATE-----')
            ? 'The CA certificate is not in PEM form'
            : null;
  // Switching the mode moves a default port along (587 ⇄ 465), never one the admin typed.
  const changeMode = (m: Mode) => {
    if (Object.values(DEFAULT_PORT).includes(portNumber)) setPort(String(DEFAULT_PORT[m]));
    setTls(m);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    void action.run(
      () =>
        api.call('server.smarthost.set', {
          host: host.trim(),
          port: portNumber,
          tls,
          allowPlaintext: tls === 'none' && allowPlaintext,
          ...(user.trim() ? { user: user.trim() } : {}),
          ...(password ? { password } : {}),
          ...(caCert.trim() ? { caCert: caCert.trim() } : {}),
        }),
      () => {
        setPassword('');
        setCaCert('');
        onSaved();
      },
    );
  };
  const clear = () => void action.run(() => api.call('server.smarthost.clear', {}), onSaved);
  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby="smarthost-form-title">
      <h3 id="smarthost-form-title">{current ? 'Change the smarthost' : 'Send through a smarthost'}</h3>
      <div className="fields smarthost-fields">
        <label>
          Host name
          <input value={host} onChange={(e) => setHost(e.target.value)} placeholder="smtp.provider.example" autoComplete="off" required />
        </label>
        <label>
          Port
          <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" autoComplete="off" required />
        </label>
        <label>
          Encryption
          <select aria-label="Encryption" value={tls} onChange={(e) => changeMode(e.target.value as Mode)}>
            <option value="starttls">STARTTLS (port 587)</option>
            <option value="implicit">TLS from the start (port 465)</option>
            <option value="none">None: plain text</option>
          </select>
        </label>
        <label>
          User name (optional)
          <input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            placeholder={keepsPassword ? 'stored: empty keeps it' : ''}
            autoComplete="new-password"
          />
        </label>
        <label className="wide">
          CA certificate (PEM, only for a relay with its own CA{current?.customCa ? '; one is stored, empty keeps it' : ''})
          <textarea value={caCert} onChange={(e) => setCaCert(e.target.value)} rows={3} spellCheck={false} placeholder="-----BEGIN CERTIFICATE-----" />
        </label>
      </div>
      {tls === 'none' && (
        <label className="check warning-note">
          <input type="checkbox" checked={allowPlaintext} onChange={(e) => setAllowPlaintext(e.target.checked)} />
          Send the login and the mail unencrypted (only for a relay on a network you trust)
        </label>
      )}
      <div className="actions">
        {host && problem && <span className="muted">{problem}</span>}
        {current && (
          <button type="button" className="danger" onClick={clear} disabled={action.busy}>
            Remove smarthost
          </button>
        )}
        <button type="submit" className="primary" disabled={Boolean(problem) || action.busy}>
          Save smarthost
        </button>
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}
