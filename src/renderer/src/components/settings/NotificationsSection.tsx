// New-mail notifications: on or off, and for which folders (the inboxes unless chosen otherwise).
import { useEffect, useState } from 'react';
import type { Account, Mailbox } from '../../../../shared/api.ts';
import { folderKey, folderNotifies } from '../../../../shared/settings.ts';
import type { AppSettings } from '../../use-app-settings.ts';
import { useSave } from './use-save.ts';
import { SaveStatus } from './SaveStatus.tsx';

export function NotificationsSection({ settings, accounts, mailboxes }: { settings: AppSettings; accounts: Account[]; mailboxes: Mailbox[] }) {
  const save = useSave();
  // Shown at once; main's answer (settings.changed) confirms it.
  const [on, setOn] = useState(settings.values['desktop.notifyNewMail']);
  const [choices, setChoices] = useState(settings.values['notifications.folders']);
  useEffect(() => setOn(settings.values['desktop.notifyNewMail']), [settings.values['desktop.notifyNewMail']]);
  useEffect(() => setChoices(settings.values['notifications.folders']), [settings.values['notifications.folders']]);
  return (
    <div className="settings-form">
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => {
            const value = e.target.checked;
            setOn(value);
            void save.run(() => settings.set('desktop.notifyNewMail', value));
          }}
        />
        Show a notification when new mail arrives
      </label>
      {accounts.map((a) => (
        <fieldset key={a.id} className="folder-choices" disabled={!on}>
          <legend>{a.name}</legend>
          {mailboxes
            .filter((m) => m.accountId === a.id)
            .sort((x, y) => Number(y.specialUse === 'inbox') - Number(x.specialUse === 'inbox') || x.path.localeCompare(y.path))
            .map((m) => (
              <label key={m.id} className="check">
                <input
                  type="checkbox"
                  checked={folderNotifies(choices, m)}
                  onChange={(e) => {
                    const next = { ...choices, [folderKey(a.id, m.path)]: e.target.checked };
                    setChoices(next);
                    void save.run(() => settings.set('notifications.folders', next));
                  }}
                />
                {m.name}
              </label>
            ))}
        </fieldset>
      ))}
      <SaveStatus error={save.error} saved={false} />
    </div>
  );
}
