// The first-run welcome of a new data folder: three ways in. "Add my email account" opens the
// account dialog (with discovery); "Host mail for my household" creates the user's own mailbox
// on the household server and explains what receiving internet mail needs; "Just look around"
// sets up the demo mailbox.
import { useEffect, useState, type FormEvent } from 'react';
import type { HouseholdSetup, WelcomeStatus } from '../../../shared/desktop.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { Transport } from '../api/transport.ts';

interface Props {
  api: Transport;
  status: WelcomeStatus;
  /** Accounts known to this window: one appearing while the choices show (added in the account dialog or elsewhere) ends the welcome. */
  accountCount: number;
  onAddAccount(): void;
  onFinish(): void;
}

type Step = 'choose' | 'household' | 'explain';

export function Welcome({ api, status, accountCount, onAddAccount, onFinish }: Props) {
  const [step, setStep] = useState<Step>('choose');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [setup, setSetup] = useState<HouseholdSetup | null>(null);
  const noServer = status.serverRunning ? undefined : 'The household server is not running in this app (started with --no-server).';

  useEffect(() => {
    if (step !== 'choose' || busy || accountCount === 0) return;
    void api.call('welcome.dismiss', {}).catch(() => {});
    onFinish();
  }, [step, busy, accountCount]);

  const lookAround = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('welcome.lookAround', {});
      onFinish();
    } catch (e) {
      setError({ message: (e as Error).message });
      setBusy(false);
    }
  };

  return (
    <div className="welcome-backdrop">
      <main className="welcome" aria-labelledby="welcome-title" data-testid="welcome">
        {step === 'choose' && (
          <>
            <h1 id="welcome-title">Welcome to Hearth</h1>
            <p className="muted">Mail on your own computer, and — if you like — the mail server for your household. How would you like to start?</p>
            <div className="welcome-choices">
              <button type="button" className="welcome-choice" onClick={onAddAccount} disabled={busy} data-testid="welcome-add-account">
                <strong>Add my email account</strong>
                <span className="muted">Type your address; Hearth finds the settings of your provider.</span>
              </button>
              <button
                type="button"
                className="welcome-choice"
                onClick={() => setStep('household')}
                disabled={busy || !status.serverRunning}
                title={noServer}
                data-testid="welcome-household"
              >
                <strong>Host mail for my household</strong>
                <span className="muted">
                  Your own mailbox on this computer{status.domain ? ` (@${status.domain})` : ''}, for every phone and mail program in the house.
                </span>
              </button>
              <button
                type="button"
                className="welcome-choice"
                onClick={() => void lookAround()}
                disabled={busy || !status.serverRunning}
                title={noServer}
                data-testid="welcome-look-around"
              >
                <strong>Just look around</strong>
                <span className="muted">A demo mailbox with a few messages, to try Hearth first.</span>
              </button>
            </div>
            {noServer && <p className="muted">{noServer}</p>}
          </>
        )}
        {step === 'household' && (
          <HouseholdForm
            api={api}
            domain={status.domain ?? 'home.arpa'}
            onBack={() => setStep('choose')}
            onDone={(s) => {
              setSetup(s);
              setStep('explain');
            }}
          />
        )}
        {step === 'explain' && setup && <HouseholdExplained setup={setup} onOpen={onFinish} />}
        {error && (
          <p className="error" role="alert">
            {error.message}
          </p>
        )}
      </main>
    </div>
  );
}

function HouseholdForm({ api, domain, onBack, onDone }: { api: Transport; domain: string; onBack(): void; onDone(s: HouseholdSetup): void }) {
  const [name, setName] = useState('');
  const [mailbox, setMailbox] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== again) return setError({ message: 'The two passwords differ.', field: 'password' });
    setBusy(true);
    setError(null);
    try {
      onDone(await api.call('welcome.hostHousehold', { name, mailbox, password }));
    } catch (err) {
      setError({ message: (err as Error).message, ...(err instanceof HearthError && err.field ? { field: err.field } : {}) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="welcome-form" onSubmit={submit} aria-labelledby="household-title">
      <h1 id="household-title">Your household mailbox</h1>
      <p className="muted">Hearth creates your mailbox on its household server on this computer and adds it as your first account.</p>
      <label>
        Your name
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus autoComplete="name" data-testid="household-name" />
      </label>
      <label>
        Mailbox
        <span className="address-input">
          <input
            value={mailbox}
            onChange={(e) => setMailbox(e.target.value)}
            required
            aria-invalid={error?.field === 'mailbox' || error?.field === 'address'}
            data-testid="household-mailbox"
          />
          <span className="muted">@{domain}</span>
        </span>
      </label>
      <label>
        Password (at least 8 characters; phones and mail programs log in with it)
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          minLength={8}
          autoComplete="new-password"
          aria-invalid={error?.field === 'password'}
          data-testid="household-password"
        />
      </label>
      <label>
        The password again
        <input
          type="password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          required
          autoComplete="new-password"
          data-testid="household-password-again"
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onBack} disabled={busy}>
          Back
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="household-create">
          {busy ? 'Creating…' : 'Create my mailbox'}
        </button>
      </div>
    </form>
  );
}

function HouseholdExplained({ setup, onOpen }: { setup: HouseholdSetup; onOpen(): void }) {
  const port = (p: string) => setup.listeners.find((l) => l.protocol === p)?.port;
  return (
    <section aria-labelledby="explain-title" data-testid="household-explained">
      <h1 id="explain-title">Your mailbox {setup.address} is ready</h1>
      <p>
        It is your first account in Hearth. Mail between the people of this household server arrives at once; phones and mail programs on this computer read it
        over IMAP (port {port('imaps') ?? port('imap')}) and send over submission (port {port('submission')}).
      </p>
      <h2>To receive mail from the internet, you also need</h2>
      <ul>
        <li>
          <strong>A domain of your own</strong> (for example <code>smith.example</code>): <code>{setup.domain}</code> only works inside this household.
        </li>
        <li>
          <strong>An MX record</strong> in that domain’s DNS, naming this computer’s public address.
        </li>
        <li>
          <strong>Port 25 reachable from the internet</strong>: forwarded by your router to this computer (many home internet providers block it; ask yours),
          and the server listening beyond this computer (<code>hearth serve</code>).
        </li>
      </ul>
      <p className="muted">Until then everything works inside the household, and Hearth keeps your other accounts as they are.</p>
      <div className="actions">
        <button type="button" className="primary" onClick={onOpen} autoFocus data-testid="household-open">
          Open my mailbox
        </button>
      </div>
    </section>
  );
}
