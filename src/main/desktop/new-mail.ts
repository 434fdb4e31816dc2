// Which messages deserve a "new mail" notification: unread messages in the folders the user chose
// (the inboxes unless they chose otherwise) that arrived in the cache after Hearth started (or
// after the last look) and sent within the last hour, never the backlog of a first sync. A few
// are announced one by one with sender and subject; a burst becomes one summary.
import type { MessageSummary } from '../../shared/api.ts';
import { folderNotifies, type Settings } from '../../shared/settings.ts';
import { desktopLimits } from '../base/limits.ts';

export interface NewMailSource {
  /** The newest cached message's row id. */
  newestId(): number;
  /** Unread messages with a row id above `afterId` in the folders whose new mail is announced, oldest first. */
  unreadToAnnounceAfter(afterId: number, limit: number): MessageSummary[];
}

/** What main's cache offers for that (client/cache), and the user's choice of folders (settings). */
export interface FolderMailCache {
  messages: { newestId(): number; unreadInFoldersAfter(afterId: number, mailboxIds: readonly number[], limit: number): MessageSummary[] };
  mailboxes: { all(): Array<{ id: number; accountId: string; path: string; specialUse: string | null }> };
}

/** New mail in the folders the user chose (notifications.folders; by default the inboxes). */
export function newMailSource(cache: FolderMailCache, settings: { get(key: 'notifications.folders'): Settings['notifications.folders'] }): NewMailSource {
  return {
    newestId: () => cache.messages.newestId(),
    unreadToAnnounceAfter: (afterId, limit) => {
      const choices = settings.get('notifications.folders');
      const ids = cache.mailboxes
        .all()
        .filter((b) => folderNotifies(choices, b))
        .map((b) => b.id);
      return cache.messages.unreadInFoldersAfter(afterId, ids, limit);
    },
  };
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
    const fresh = this.source.unreadToAnnounceAfter(this.seen, desktopLimits.newMailScan).filter((m) => m.date >= since);
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
