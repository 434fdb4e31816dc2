// Desktop notifications for new mail: unread messages that just arrived in a folder whose new mail
// is announced (Settings › Notifications; the inboxes by default), only while
// Hearth is not in front (nobody needs a notification for what they are looking at).
import type { MessageSummary } from '../../shared/api.ts';
import type { HearthDb } from './db.ts';
import { displayAddress } from './format.ts';
import { folderNotifies } from '../../shared/settings.ts';
import { cachedSettings } from './app-settings.ts';

const RECENT_MS = 60 * 60_000;

export async function notifyNewMail(db: HearthDb, added: MessageSummary[]): Promise<void> {
  if (typeof Notification === 'undefined' || document.hasFocus()) return;
  const fresh = added.filter((m) => !m.flags.includes('\\Seen') && Date.now() - m.date < RECENT_MS);
  if (fresh.length === 0) return;
  const settings = await cachedSettings(db);
  if (!settings['desktop.notifyNewMail']) return;
  const choices = settings['notifications.folders'];
  const announced = new Set((await db.mailboxes.toArray()).filter((b) => folderNotifies(choices, b)).map((b) => b.id));
  const news = fresh.filter((m) => announced.has(m.mailboxId));
  if (news.length === 0) return;
  if (Notification.permission === 'default') await Notification.requestPermission().catch(() => 'denied');
  if (Notification.permission !== 'granted') return;
  const first = news[0]!;
  const title = news.length === 1 ? displayAddress(first.from) : `${news.length} new messages`;
  const body = news.length === 1 ? first.subject || '(no subject)' : news.map((m) => `${displayAddress(m.from)}: ${m.subject}`).join('\n');
  const n = new Notification(title, { body, tag: 'hearth-new-mail', silent: false });
  n.onclick = () => window.focus();
}
