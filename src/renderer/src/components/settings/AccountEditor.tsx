// One account's settings: its name, incoming and outgoing servers and passwords, its error with
// the fix, and removal after a confirmation.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Account } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { useAccountForm } from './use-account-form.ts';
import { ServerFieldset } from './ServerFieldset.tsx';
import { AccountProblem } from './AccountProblem.tsx';
import { SaveStatus } from './SaveStatus.tsx';
import { ConfirmRemove } from './ConfirmRemove.tsx';
import { Pop3Fieldset } from './Pop3Fieldset.tsx';

const INCOMING_PORTS = {
  imap: { tls: 993, starttls: 143, plain: 143 },
  pop3: { tls: 995, starttls: 110, plain: 110 },
} as const;
const SMTP_PORTS = { tls: 465, starttls: 587, plain: 25 } as const;

interface Props {
  api: Transport;
  account: Account;
  /** Put the cursor in the password field at once (the fix for a refused password). */
  focusPassword?: boolean;
  onRemoved(): void;
}

export function AccountEditor({ api, account, focusPassword = false, onRemoved }: Props) {
  const form = useAccountForm(api, account);
  const { fields, setFields } = form;
  const password = useRef<HTMLInputElement>(null);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (focusPassword) password.current?.focus();
  }, [focusPassword, account.id]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void form.submit();
  };
  return (
    <form className="account-editor" onSubmit={submit} aria-label={`Account ${account.name}`} data-testid="account-editor">
      <AccountProblem
        account={account}
        onReenterPassword={() => password.current?.focus()}
        onTrust={(f) => void form.trustCertificate(f)}
        trusting={form.trust.busy}
      />
      <SaveStatus error={form.trust.error} saved={false} />
      <label className="wide">
        Account name
        <input value={fields.name} onChange={(e) => setFields({ ...fields, name: e.target.value })} required />
      </label>
      <p className="muted">
        {account.email} · {account.incoming.protocol === 'pop3' ? 'POP3' : 'IMAP'}
        {account.incoming.trustedFingerprint256 && (
          <>
            {' '}
            · trusted certificate <span className="mono">{account.incoming.trustedFingerprint256.slice(0, 23)}…</span>
          </>
        )}
      </p>
      <div className="server-columns">
        <ServerFieldset
          legend="Incoming mail"
          prefix="Incoming"
          value={fields.incoming}
          onChange={(incoming) => setFields({ ...fields, incoming })}
          ports={INCOMING_PORTS[account.incoming.protocol]}
          passwordRef={password}
        />
        {fields.outgoing ? (
          <ServerFieldset
            legend="Outgoing mail (SMTP)"
            prefix="Outgoing"
            value={fields.outgoing}
            onChange={(outgoing) => setFields({ ...fields, outgoing })}
            ports={SMTP_PORTS}
          />
        ) : (
          <fieldset className="server-fields">
            <legend>Outgoing mail (SMTP)</legend>
            <p className="muted">No outgoing server: this account cannot send.</p>
            <button
              type="button"
              onClick={() => setFields({ ...fields, outgoing: { host: '', port: 587, tls: 'starttls', user: fields.incoming.user, password: '' } })}
            >
              Add an outgoing server
            </button>
          </fieldset>
        )}
      </div>
      {fields.pop3 && <Pop3Fieldset value={fields.pop3} onChange={(pop3) => setFields({ ...fields, pop3 })} />}
      <div className="actions">
        <SaveStatus error={form.save.error} saved={form.save.saved && !form.dirty} />
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove account…
        </button>
        <button type="submit" className="primary" disabled={!form.dirty || form.save.busy}>
          {form.save.busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      {confirming && (
        <ConfirmRemove
          name={account.name}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            await form.remove();
            onRemoved();
          }}
        />
      )}
    </form>
  );
}
