// A POP3 account's handling of mail on the server: leave it there (and for how long), delete it
// there when deleted here, and how often to look for new mail.
import type { Pop3Fields } from './use-account-form.ts';

export function Pop3Fieldset({ value, onChange }: { value: Pop3Fields; onChange(v: Pop3Fields): void }) {
  const set = (patch: Partial<Pop3Fields>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="pop3-fields">
      <legend>Mail on the POP3 server</legend>
      <label className="check">
        <input type="checkbox" checked={value.leaveOnServer} onChange={(e) => set({ leaveOnServer: e.target.checked })} /> Leave messages on the server
      </label>
      {value.leaveOnServer && (
        <label>
          Delete them from the server after (days, empty: never)
          <input type="number" min={0} max={3650} value={value.deleteAfterDays} onChange={(e) => set({ deleteAfterDays: e.target.value })} />
        </label>
      )}
      <label className="check">
        <input type="checkbox" checked={value.deleteWhenDeletedHere} onChange={(e) => set({ deleteWhenDeletedHere: e.target.checked })} /> Delete from the
        server when I delete a message here
      </label>
      <label>
        Check this account for new mail every (minutes)
        <input
          type="number"
          min={1}
          max={1440}
          value={value.checkEveryMinutes}
          onChange={(e) => set({ checkEveryMinutes: Math.max(1, Math.min(1440, Number(e.target.value) || 1)) })}
        />
      </label>
    </fieldset>
  );
}
