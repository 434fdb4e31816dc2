// Settings: a full view over the app with one tab per area (WAI-ARIA tabs, like the household
// admin screen: arrow keys move between them, Escape closes the screen).
import { useEffect, useRef, useState } from 'react';
import { useModal } from '../use-modal.ts';
import type { Account, Mailbox } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import type { AppSettings } from '../../use-app-settings.ts';
import { ScreenHeader } from '../ScreenHeader.tsx';
import { useTabKeys } from './use-tab-keys.ts';
import { AccountsSection } from './AccountsSection.tsx';
import { IdentitiesSection } from './IdentitiesSection.tsx';
import { CheckingSection } from './CheckingSection.tsx';
import { NotificationsSection } from './NotificationsSection.tsx';
import { DesktopSection } from './DesktopSection.tsx';
import { RemoteContentSection } from './RemoteContentSection.tsx';
import { AppearanceSection } from './AppearanceSection.tsx';
import './settings.css';

export const SETTINGS_TABS = [
  'Accounts',
  'Identities & signatures',
  'Checking & offline',
  'Notifications',
  'Remote content',
  'Appearance',
  'Desktop app',
] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

/** Where Settings opens: a tab, and for Accounts an account (with its password field focused, to fix a refused password). */
export interface SettingsTarget {
  tab?: SettingsTab;
  accountId?: string;
  focusPassword?: boolean;
}

interface Props {
  api: Transport;
  settings: AppSettings;
  accounts: Account[];
  mailboxes: Mailbox[];
  target?: SettingsTarget;
  onAddAccount(): void;
  onClose(): void;
}

const id = (t: string) => t.toLowerCase().replace(/[^a-z]+/g, '-');

export function SettingsScreen({ api, settings, accounts, mailboxes, target = {}, onAddAccount, onClose }: Props) {
  const [tab, setTab] = useState<SettingsTab>(target.tab ?? 'Accounts');
  const tabs = useTabKeys(SETTINGS_TABS, setTab);
  // A modal dialog: Tab stays inside, Escape closes, the focus goes back where it was (use-modal.ts).
  const dialog = useRef<HTMLDivElement>(null);
  useModal(dialog, onClose);
  // The focus starts on the current tab, unless a field was asked for.
  useEffect(() => {
    if (!target.focusPassword) tabs.refs.current[SETTINGS_TABS.indexOf(tab)]?.focus();
  }, []);
  return (
    <div ref={dialog} className="admin-screen settings-screen" role="dialog" aria-modal="true" aria-labelledby="settings-title" data-testid="settings">
      <ScreenHeader title="Settings" titleId="settings-title" onClose={onClose} />
      <div className="admin-body">
        <nav aria-label="Settings sections">
          <div role="tablist" aria-orientation="vertical" aria-label="Settings sections">
            {SETTINGS_TABS.map((t, i) => (
              <button
                key={t}
                ref={(el) => {
                  tabs.refs.current[i] = el;
                }}
                type="button"
                role="tab"
                id={`settings-tab-${id(t)}`}
                aria-selected={tab === t}
                aria-controls={`settings-panel-${id(t)}`}
                tabIndex={tab === t ? 0 : -1}
                onClick={() => setTab(t)}
                onKeyDown={(e) => tabs.onKey(e, i)}
              >
                {t}
              </button>
            ))}
          </div>
        </nav>
        <section className="admin-panel" role="tabpanel" id={`settings-panel-${id(tab)}`} aria-labelledby={`settings-tab-${id(tab)}`}>
          <h3 className="panel-title">{tab}</h3>
          {tab === 'Accounts' && (
            <AccountsSection
              api={api}
              accounts={accounts}
              initialAccountId={target.accountId}
              focusPassword={target.focusPassword ?? false}
              onAddAccount={onAddAccount}
            />
          )}
          {tab === 'Identities & signatures' && <IdentitiesSection api={api} accounts={accounts} />}
          {tab === 'Checking & offline' && <CheckingSection settings={settings} browser={api.kind === 'web'} />}
          {tab === 'Notifications' && <NotificationsSection settings={settings} accounts={accounts} mailboxes={mailboxes} />}
          {tab === 'Remote content' && <RemoteContentSection settings={settings} />}
          {tab === 'Appearance' && <AppearanceSection settings={settings} />}
          {tab === 'Desktop app' && <DesktopSection settings={settings} browser={api.kind === 'web'} />}
        </section>
      </div>
    </div>
  );
}
