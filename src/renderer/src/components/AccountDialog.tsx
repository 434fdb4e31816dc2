import { useState, type FormEvent } from 'react';
import type { TlsMode } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';
import { HearthError } from '../../../shared/errors.ts';

interface Props {
  api: Transport;
  onClose(): void;
}

const DEFAULT_PORT: Record<TlsMode, number> = { tls: 993, starttls: 143, plain: 143 };

export function AccountDialog({ api, onClose }: Props) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [host, setHost] = useState('');
  const [tls, setTls] = useState<TlsMode>('tls');
  const [port, setPort] = useState(993);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [caCert, setCaCert] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string; detail?: Record<string, unknown> } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.call('accounts.add', {
        name: name || email,
        email,
        incoming: { protocol: 'imap', host, port, tls, user: user || email, password, ...(caCert.trim() ? { caCert } : {}) },
      });
      onClose();
    } catch (err) {
      if (err instanceof HearthError) {
        const out: { message: string; field?: string; detail?: Record<string, unknown> } = { message: err.message };
        if (err.field) out.field = err.field;
        if (err.detail) out.detail = err.detail;
        setError(out);
      } else setError({ message: String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop" role="presentation">
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby="add-account-title" onSubmit={submit}>
        <h2 id="add-account-title">Add a mail account</h2>
        <label>
          Your name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        </label>
        <label>
          Email address
          <input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
        </label>
        <fieldset>
          <legend>Incoming mail (IMAP)</legend>
          <label>
            Server
            <input name="host" required value={host} onChange={(e) => setHost(e.target.value)} placeholder="imap.example.com" />
          </label>
          <div className="row">
            <label>
              Security
              <select
                name="tls"
                value={tls}
                onChange={(e) => {
                  const m = e.target.value as TlsMode;
                  setTls(m);
                  setPort(DEFAULT_PORT[m]);
                }}
              >
                <option value="tls">SSL/TLS</option>
                <option value="starttls">STARTTLS</option>
                <option value="plain">None (this computer only)</option>
              </select>
            </label>
            <label>
              Port
              <input name="port" type="number" min={1} max={65535} required value={port} onChange={(e) => setPort(Number(e.target.value))} />
            </label>
          </div>
          <label>
            User name
            <input name="user" value={user} onChange={(e) => setUser(e.target.value)} placeholder="usually your email address" autoComplete="username" />
          </label>
          <label>
            Password
            <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
          </label>
          <details>
            <summary>Trust a certificate (self-signed servers)</summary>
            <label>
              CA certificate (PEM)
              <textarea name="caCert" rows={4} value={caCert} onChange={(e) => setCaCert(e.target.value)} />
            </label>
          </details>
        </fieldset>
        {error && (
          <div className="error" role="alert" data-testid="account-error">
            {error.message}
            {error.detail && typeof error.detail.fingerprint256 === 'string' && (
              <dl className="cert">
                <dt>Issued to</dt>
                <dd>{String(error.detail.subject ?? '?')}</dd>
                <dt>Issued by</dt>
                <dd>{String(error.detail.issuer ?? '?')}</dd>
                <dt>Valid until</dt>
                <dd>{String(error.detail.validTo ?? '?')}</dd>
                <dt>SHA-256</dt>
                <dd className="mono">{error.detail.fingerprint256}</dd>
              </dl>
            )}
          </div>
        )}
        <div className="actions">
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Add account'}
          </button>
        </div>
      </form>
    </div>
  );
}
