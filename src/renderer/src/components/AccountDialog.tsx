import { useState, type FormEvent } from 'react';
import type { TlsMode } from '../../../shared/api.ts';
import type { Transport } from '../api/transport.ts';
import { HearthError } from '../../../shared/errors.ts';

interface Props {
  api: Transport;
  onClose(): void;
}

type Protocol = 'imap' | 'pop3';
const DEFAULT_PORT: Record<Protocol, Record<TlsMode, number>> = {
  imap: { tls: 993, starttls: 143, plain: 143 },
  pop3: { tls: 995, starttls: 110, plain: 110 },
};
const SMTP_PORT: Record<TlsMode, number> = { tls: 465, starttls: 587, plain: 25 };

export function AccountDialog({ api, onClose }: Props) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [protocol, setProtocol] = useState<Protocol>('imap');
  const [host, setHost] = useState('');
  const [tls, setTls] = useState<TlsMode>('tls');
  const [port, setPort] = useState(993);
  const [leaveOnServer, setLeaveOnServer] = useState(true);
  const [deleteAfterDays, setDeleteAfterDays] = useState('');
  const [deleteWhenDeletedHere, setDeleteWhenDeletedHere] = useState(true);
  const [checkEvery, setCheckEvery] = useState(10);
  const [smtpHost, setSmtpHost] = useState('');
  const [smtpTls, setSmtpTls] = useState<TlsMode>('starttls');
  const [smtpPort, setSmtpPort] = useState(587);
  const [smtpOwnLogin, setSmtpOwnLogin] = useState(false);
  const [smtpUser, setSmtpUser] = useState('');
  const [smtpPassword, setSmtpPassword] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [caCert, setCaCert] = useState('');
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<string | null>(null);

  const SOURCE: Record<string, string> = {
    autoconfig: 'your provider’s settings file',
    ispdb: 'the Thunderbird ISP database',
    srv: 'your domain’s DNS (SRV records)',
    mx: 'your domain’s mail host (MX) in the ISP database',
    guess: 'trying common server names',
  };
  const findSettings = async () => {
    setBusy(true);
    setError(null);
    setFound(null);
    try {
      const r = await api.call('accounts.discover', { email });
      const inc = r.incoming.find((c) => c.probe.ok);
      const out = r.outgoing.find((c) => c.probe.ok) ?? r.outgoing[0];
      if (!inc) {
        setError({ message: 'No settings found for this address; please enter them below.' });
        return;
      }
      setProtocol(inc.protocol === 'pop3' ? 'pop3' : 'imap');
      setHost(inc.host);
      setTls(inc.tls);
      setPort(inc.port);
      setUser(inc.user);
      if (out) {
        setSmtpHost(out.host);
        setSmtpTls(out.tls);
        setSmtpPort(out.port);
      }
      setFound(`Found by ${SOURCE[r.source ?? ''] ?? r.source}${r.provider ? ` (${r.provider})` : ''}. Check them, add your password, and continue.`);
    } catch (err) {
      setError({ message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  const [error, setError] = useState<{ message: string; field?: string; detail?: Record<string, unknown> } | null>(null);

  // "Trust this certificate": the one the refusal showed, pinned by its fingerprint (main fetches it and checks it is still that one).
  const [trusted, setTrusted] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(trusted);
  };
  const save = async (pin: string | null) => {
    setBusy(true);
    setError(null);
    try {
      await api.call('accounts.add', {
        name: name || email,
        email,
        incoming: {
          protocol,
          host,
          port,
          tls,
          user: user || email,
          password,
          ...(caCert.trim() ? { caCert } : {}),
          ...(pin ? { trustedFingerprint256: pin } : {}),
          ...(protocol === 'pop3'
            ? {
                pop3: {
                  leaveOnServer,
                  deleteAfterDays: deleteAfterDays.trim() ? Number(deleteAfterDays) : null,
                  deleteWhenDeletedHere,
                  checkEveryMinutes: checkEvery,
                },
              }
            : {}),
        },
        ...(smtpHost.trim()
          ? {
              outgoing: {
                host: smtpHost,
                port: smtpPort,
                tls: smtpTls,
                // Most providers take the same login for sending.
                user: smtpOwnLogin ? smtpUser : user || email,
                password: smtpOwnLogin ? smtpPassword : password,
                ...(caCert.trim() ? { caCert } : {}),
              },
            }
          : {}),
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
        <button type="button" className="link" onClick={() => void findSettings()} disabled={busy || !email.includes('@')} data-testid="find-settings">
          Find settings automatically
        </button>
        {found && (
          <p className="muted" data-testid="found-settings">
            {found}
          </p>
        )}
        <fieldset>
          <legend>Incoming mail</legend>
          <label>
            Protocol
            <select
              name="protocol"
              aria-label="Protocol"
              value={protocol}
              onChange={(e) => {
                const p = e.target.value as Protocol;
                setProtocol(p);
                setPort(DEFAULT_PORT[p][tls]);
              }}
            >
              <option value="imap">IMAP (mail stays on the server)</option>
              <option value="pop3">POP3 (mail is downloaded to this computer)</option>
            </select>
          </label>
          <label>
            Server
            <input name="host" required value={host} onChange={(e) => setHost(e.target.value)} placeholder="imap.example.com" />
          </label>
          <div className="row">
            <label>
              Security
              <select
                name="tls"
                aria-label="Security"
                value={tls}
                onChange={(e) => {
                  const m = e.target.value as TlsMode;
                  setTls(m);
                  setPort(DEFAULT_PORT[protocol][m]);
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
          {protocol === 'pop3' && (
            <div className="pop3-options">
              <label className="check">
                <input type="checkbox" checked={leaveOnServer} onChange={(e) => setLeaveOnServer(e.target.checked)} /> Leave messages on the server
              </label>
              {leaveOnServer && (
                <label>
                  Delete them from the server after (days, empty: never)
                  <input type="number" min={0} value={deleteAfterDays} onChange={(e) => setDeleteAfterDays(e.target.value)} />
                </label>
              )}
              <label className="check">
                <input type="checkbox" checked={deleteWhenDeletedHere} onChange={(e) => setDeleteWhenDeletedHere(e.target.checked)} /> Delete from the server
                when I delete a message here
              </label>
              <label>
                Check for new mail every (minutes)
                <input type="number" min={1} max={1440} value={checkEvery} onChange={(e) => setCheckEvery(Number(e.target.value) || 10)} />
              </label>
            </div>
          )}
          <details>
            <summary>Trust a certificate (self-signed servers)</summary>
            <label>
              CA certificate (PEM)
              <textarea name="caCert" rows={4} value={caCert} onChange={(e) => setCaCert(e.target.value)} />
            </label>
          </details>
        </fieldset>
        <fieldset>
          <legend>Outgoing mail (SMTP)</legend>
          <label>
            Outgoing server
            <input name="smtpHost" value={smtpHost} onChange={(e) => setSmtpHost(e.target.value)} placeholder="smtp.example.com (optional)" />
          </label>
          <div className="row">
            <label>
              Outgoing security
              <select
                name="smtpTls"
                aria-label="Outgoing security"
                value={smtpTls}
                onChange={(e) => {
                  const m = e.target.value as TlsMode;
                  setSmtpTls(m);
                  setSmtpPort(SMTP_PORT[m]);
                }}
              >
                <option value="starttls">STARTTLS</option>
                <option value="tls">SSL/TLS</option>
                <option value="plain">None (this computer only)</option>
              </select>
            </label>
            <label>
              Outgoing port
              <input name="smtpPort" type="number" min={1} max={65535} value={smtpPort} onChange={(e) => setSmtpPort(Number(e.target.value))} />
            </label>
          </div>
          <label className="check">
            <input type="checkbox" checked={smtpOwnLogin} onChange={(e) => setSmtpOwnLogin(e.target.checked)} /> The outgoing server has its own login
          </label>
          {smtpOwnLogin && (
            <>
              <label>
                Outgoing user name
                <input name="smtpUser" value={smtpUser} onChange={(e) => setSmtpUser(e.target.value)} />
              </label>
              <label>
                Outgoing password
                <input name="smtpPassword" type="password" value={smtpPassword} onChange={(e) => setSmtpPassword(e.target.value)} />
              </label>
            </>
          )}
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
            {error.detail && typeof error.detail.fingerprint256 === 'string' && (
              <button
                type="button"
                disabled={busy}
                data-testid="trust-certificate"
                onClick={() => {
                  const pin = String(error.detail!.fingerprint256);
                  setTrusted(pin);
                  void save(pin);
                }}
              >
                Trust this certificate
              </button>
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
