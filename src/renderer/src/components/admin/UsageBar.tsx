// How full a user's storage is: a meter with the numbers in words beside it.
import { formatBytes } from './format-size.ts';

export function UsageBar({ used, quota }: { used: number | null; quota: number | null }) {
  const u = used ?? 0;
  if (quota === null) return <span className="muted">{formatBytes(u)} · no limit</span>;
  const pct = Math.min(100, Math.round((u / quota) * 100));
  const label = `${formatBytes(u)} of ${formatBytes(quota)}`;
  return (
    <span className="usage">
      <meter min={0} max={quota} value={Math.min(u, quota)} low={quota * 0.8} high={quota * 0.95} optimum={0} aria-label={`Storage used: ${label}`} />
      <span>
        {label} ({pct}%)
      </span>
    </span>
  );
}
