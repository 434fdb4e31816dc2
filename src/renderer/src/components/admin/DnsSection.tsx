// The DNS records to publish (as `hearth dns` prints them), each with a copy button and what DNS
// says about it now: ✓ when published right, ✗ with what was found otherwise.
import { useState } from 'react';
import type { DnsRecordToPublish } from '../../../../shared/api.ts';
import type { Transport } from '../../api/transport.ts';
import { useAdminQuery } from './use-admin.ts';
import { ErrorNote } from './ErrorNote.tsx';

function zoneLine(r: DnsRecordToPublish): string {
  return `${r.name}.\tIN\t${r.type}\t${r.type === 'TXT' ? `"${r.value}"` : r.value}`;
}

function CheckResult({ r }: { r: DnsRecordToPublish }) {
  const c = r.check;
  if (!c) return <span className="muted">not checked</span>;
  const ok = c.state === 'ok';
  return (
    <span className={ok ? 'dns-ok' : 'dns-bad'} data-testid="dns-state">
      <span aria-hidden="true">{ok ? '✓' : '✗'}</span>{' '}
      {ok ? 'Published' : c.state === 'missing' ? 'Missing' : c.state === 'wrong' ? 'Different value' : 'Lookup failed'}
      {!ok && c.message && <span className="muted"> — {c.message}</span>}
      {c.found.length > 0 && !ok && (
        <span className="found">
          DNS says: <code className="mono">{c.found.join(' | ')}</code>
        </span>
      )}
    </span>
  );
}

function CopyButton({ text, what }: { text: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={`Copy ${what}`}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

export function DnsSection({ api }: { api: Transport }) {
  const dns = useAdminQuery(api, 'server.dns.records', { check: true });
  return (
    <>
      <p>
        Publish these records at your domain’s DNS provider{dns.data ? ` for ${dns.data.domain} (mail host ${dns.data.mailHost})` : ''}. Hearth asks DNS what it
        says now.
      </p>
      <div className="actions start">
        <button type="button" onClick={dns.reload} disabled={dns.loading}>
          {dns.loading ? 'Checking…' : 'Check again'}
        </button>
      </div>
      <ul className="dns-records" aria-label="DNS records" aria-busy={dns.loading}>
        {dns.data?.records.map((r) => (
          <li key={`${r.type} ${r.name}`} data-testid="dns-record">
            <div className="dns-head">
              <strong>{r.type}</strong> <code className="mono">{r.name}</code> <span className="muted">— {r.why}</span>
              <CopyButton text={zoneLine(r)} what={`${r.type} record for ${r.name}`} />
            </div>
            <code className="mono dns-value">{r.value}</code>
            <CheckResult r={r} />
          </li>
        ))}
      </ul>
      <ErrorNote error={dns.error} />
    </>
  );
}
