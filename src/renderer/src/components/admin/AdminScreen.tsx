// The household admin screen: a full view over the app with one tab per area (WAI-ARIA tabs:
// arrow keys move between them, Escape closes the screen).
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Transport } from '../../api/transport.ts';
import { ScreenHeader } from '../ScreenHeader.tsx';
import { useAdminQuery } from './use-admin.ts';
import { UsersSection } from './UsersSection.tsx';
import { AliasesSection } from './AliasesSection.tsx';
import { DomainsSection } from './DomainsSection.tsx';
import { DnsSection } from './DnsSection.tsx';
import { CertificateSection } from './CertificateSection.tsx';
import { ListenersSection } from './ListenersSection.tsx';
import { OutgoingSection } from './OutgoingSection.tsx';

export const ADMIN_TABS = ['Users', 'Aliases', 'Domains', 'DNS', 'Certificate', 'Listeners', 'Outgoing mail'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export function AdminScreen({ api, onClose }: { api: Transport; onClose(): void }) {
  const [tab, setTab] = useState<AdminTab>('Users');
  const status = useAdminQuery(api, 'server.status', {}, 10_000);
  const [logFile, setLogFile] = useState<string | null>(null);
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  // Escape anywhere closes the screen (an open editor inside stops it first); focus starts on the tabs.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const focused = useRef(false);
  useEffect(() => {
    if (status.data?.running && !focused.current) {
      focused.current = true;
      tabs.current[0]?.focus();
    }
  }, [status.data?.running]);
  useEffect(() => {
    void api.call('app.info', {}).then(
      (i) => setLogFile(i.logFile),
      () => {},
    );
  }, [api]);
  const onTabKey = (e: KeyboardEvent, i: number) => {
    const next =
      e.key === 'ArrowDown' || e.key === 'ArrowRight'
        ? i + 1
        : e.key === 'ArrowUp' || e.key === 'ArrowLeft'
          ? i - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? ADMIN_TABS.length - 1
              : null;
    if (next === null) return;
    e.preventDefault();
    const j = (next + ADMIN_TABS.length) % ADMIN_TABS.length;
    setTab(ADMIN_TABS[j]!);
    tabs.current[j]?.focus();
  };
  const s = status.data;
  const id = (t: string) => t.toLowerCase().replace(/\s+/g, '-');
  return (
    <div className="admin-screen" role="dialog" aria-modal="true" aria-labelledby="admin-title">
      <ScreenHeader title="Household server" titleId="admin-title" onClose={onClose}>
        <span className="muted">{s ? (s.running ? `Mail for ${s.domain}` : 'No household server runs in this app.') : ''}</span>
      </ScreenHeader>
      {s?.running && (
        <div className="admin-body">
          <nav aria-label="Admin sections">
            <div role="tablist" aria-orientation="vertical" aria-label="Admin sections">
              {ADMIN_TABS.map((t, i) => (
                <button
                  key={t}
                  ref={(el) => {
                    tabs.current[i] = el;
                  }}
                  type="button"
                  role="tab"
                  id={`admin-tab-${id(t)}`}
                  aria-selected={tab === t}
                  aria-controls={`admin-panel-${id(t)}`}
                  tabIndex={tab === t ? 0 : -1}
                  onClick={() => setTab(t)}
                  onKeyDown={(e) => onTabKey(e, i)}
                >
                  {t}
                </button>
              ))}
            </div>
            {logFile && (
              <p className="muted log-file" data-testid="log-file">
                Log file: <code className="mono">{logFile}</code>
              </p>
            )}
          </nav>
          <section className="admin-panel" role="tabpanel" id={`admin-panel-${id(tab)}`} aria-labelledby={`admin-tab-${id(tab)}`} tabIndex={0}>
            <h3 className="panel-title">{tab}</h3>
            {tab === 'Users' && <UsersSection api={api} domain={s.domain} />}
            {tab === 'Aliases' && <AliasesSection api={api} />}
            {tab === 'Domains' && <DomainsSection api={api} />}
            {tab === 'DNS' && <DnsSection api={api} />}
            {tab === 'Certificate' && <CertificateSection api={api} status={s} />}
            {tab === 'Listeners' && <ListenersSection status={s} />}
            {tab === 'Outgoing mail' && <OutgoingSection api={api} />}
          </section>
        </div>
      )}
      {status.error && (
        <div className="error" role="alert">
          {status.error}
        </div>
      )}
    </div>
  );
}
