// One server's fields (incoming or outgoing): host, security, port, user name, password.
import type { TlsMode } from '../../../../shared/api.ts';
import type { ServerFields } from './use-account-form.ts';

const TLS_LABEL: Record<TlsMode, string> = { tls: 'SSL/TLS', starttls: 'STARTTLS', plain: 'None (this computer only)' };

interface Props {
  legend: string;
  /** Prefix of the field labels, so each is unique on the page ("Incoming server", "Outgoing server"). */
  prefix: 'Incoming' | 'Outgoing';
  value: ServerFields;
  onChange(v: ServerFields): void;
  /** Ports for each security choice, so switching it picks the usual port. */
  ports: Record<TlsMode, number>;
  passwordRef?: React.Ref<HTMLInputElement>;
}

export function ServerFieldset({ legend, prefix, value, onChange, ports, passwordRef }: Props) {
  const set = (patch: Partial<ServerFields>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="server-fields">
      <legend>{legend}</legend>
      <label className="wide">
        {prefix} server
        <input value={value.host} onChange={(e) => set({ host: e.target.value })} required />
      </label>
      <label>
        {prefix} security
        <select
          value={value.tls}
          onChange={(e) => {
            const tls = e.target.value as TlsMode;
            set({ tls, port: ports[tls] });
          }}
        >
          {(Object.keys(TLS_LABEL) as TlsMode[]).map((t) => (
            <option key={t} value={t}>
              {TLS_LABEL[t]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {prefix} port
        <input type="number" min={1} max={65535} value={value.port} onChange={(e) => set({ port: Number(e.target.value) })} required />
      </label>
      <label>
        {prefix} user name
        <input value={value.user} onChange={(e) => set({ user: e.target.value })} autoComplete="username" />
      </label>
      <label>
        {prefix} password
        <input
          ref={passwordRef}
          type="password"
          value={value.password}
          placeholder="unchanged"
          onChange={(e) => set({ password: e.target.value })}
          autoComplete="current-password"
        />
      </label>
    </fieldset>
  );
}
