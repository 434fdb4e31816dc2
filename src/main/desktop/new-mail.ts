// Which messages deserve a "new mail" notification: unread inbox messages that arrived in the
// cache after Hearth started (or after the last look) and sent within the last hour, never the
// backlog of a first sync. A few
// are announced one by one with sender and subject; a burst becomes one summary.
import type { MessageSummary } from '../../shared/api.ts';
import { desktopLimits } from '../base/limits.ts';

export interface NewMailSource {
  /** The newest cached message's row id. */
  newestId(): number;
  /** Unread inbox messages with a row id above `afterId`, oldest first. */
  unreadInInboxesAfter(afterId: number, limit: number): MessageSummary[];
}

export type NewMailNotice = { kind: 'message'; message: MessageSummary } | { kind: 'summary'; count: number; newestId: number };

export class NewMailWatch {
  private seen: number;
  private readonly source: NewMailSource;
  private readonly now: () => number;

  constructor(source: NewMailSource, now: () => number) {
    this.source = source;
    this.now = now;
    this.seen = source.newestId();
  }

  /** What arrived since the last call. */
  check(): NewMailNotice[] {
    const since = this.now() - desktopLimits.notifyRecentMs;
    const fresh = this.source.unreadInInboxesAfter(this.seen, desktopLimits.newMailScan).filter((m) => m.date >= since);
    this.seen = Math.max(this.seen, this.source.newestId());
    if (fresh.length === 0) return [];
    if (fresh.length <= desktopLimits.notifyEachUpTo) return fresh.map((message) => ({ kind: 'message', message }));
    return [{ kind: 'summary', count: fresh.length, newestId: fresh[fresh.length - 1]!.id }];
  }
}

/** The sender as a person would name them: the display name, else the address. */
export function senderName(m: MessageSummary): string {
  const from = m.from[0];
  return from ? from.name || from.address : 'Unknown sender';
}
