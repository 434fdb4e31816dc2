// Where drafts are written: a pane docked at the right of the window, over the reader, so the
// folders and the message list stay in view and clickable. Several drafts stay open; the tab
// strip switches between them and brings back a minimised one.
import type { Account } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { Suspense } from 'react';
import { LazyComposeForm } from '../../lazy-screens.ts';
import type { ComposeDrafts } from './use-compose-drafts.ts';

interface Props extends ComposeDrafts {
  api: Transport;
  accounts: Account[];
  onSent(subject: string): void;
}

export function ComposeDock({ api, accounts, drafts, active, activate, close, retitle, onSent }: Props) {
  if (drafts.length === 0 || accounts.length === 0) return null;
  return (
    <section className={`compose-dock${active ? ' open' : ''}`} aria-label="Drafts being written" data-testid="compose-dock">
      <nav className="compose-tabs" role="tablist" aria-label="Open drafts">
        {drafts.map((d) => (
          <button
            key={d.key}
            type="button"
            role="tab"
            aria-selected={d.key === active}
            className={d.key === active ? 'active' : ''}
            title={d.title}
            onClick={() => activate(d.key === active ? null : d.key)}
            data-testid="compose-tab"
          >
            {d.title}
          </button>
        ))}
      </nav>
      <Suspense fallback={<p className="muted">Opening the editor…</p>}>
        {drafts.map((d) => (
          <LazyComposeForm
            key={d.key}
            api={api}
            accounts={accounts}
            initial={d.initial}
            hidden={d.key !== active}
            onTitle={(t) => retitle(d.key, t)}
            onMinimise={() => activate(null)}
            onClose={() => close(d.key)}
            onSent={onSent}
          />
        ))}
      </Suspense>
    </section>
  );
}
