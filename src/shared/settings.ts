// The app's settings: one generic key/value store in main (DATA/settings.json), each key with
// its zod schema and default here, so main and any settings screen validate the same way.
import { z } from 'zod';

export const settingSchemas = {
  /** Closing the window leaves Hearth in the tray, still syncing and serving; null = on while the household server runs. */
  'desktop.keepRunningWhenClosed': z.boolean().nullable(),
  /** Start Hearth (in the tray) when the user logs in. */
  'desktop.startAtLogin': z.boolean(),
  /** A system notification for each new message in an inbox. */
  'desktop.notifyNewMail': z.boolean(),
  /** How often accounts are checked for new mail in the background, minutes (an IMAP inbox also hears of it at once by IDLE). */
  'mail.checkEveryMinutes': z.number().int().min(1).max(1440),
  /** Bodies of messages this recent are downloaded for offline reading, days. */
  'offline.windowDays': z.number().int().min(1).max(36500),
  /** …if the message is at most this large, MB (bigger ones are fetched when opened). */
  'offline.maxMessageMb': z.number().int().min(1).max(200),
  /** The most the browser's own offline copy (IndexedDB) may take, MB. */
  'offline.browserBudgetMb': z.number().int().min(10).max(100_000),
  /** Folders whose new mail is announced (key: folderKey); a folder not listed follows the default: inboxes only. */
  'notifications.folders': z.record(z.string().min(1).max(1200), z.boolean()),
  /** Senders whose remote content (images, styles) loads without asking: addresses, or domains ("example.com"). */
  'reader.remoteContentFrom': z.array(z.string().trim().toLowerCase().min(1).max(320)).max(1000),
  /** Light or dark colours, or the system's choice. */
  'appearance.theme': z.enum(['system', 'light', 'dark']),
} as const;

export type SettingKey = keyof typeof settingSchemas;
export type Settings = { [K in SettingKey]: z.output<(typeof settingSchemas)[K]> };
export const settingKeys = Object.keys(settingSchemas) as SettingKey[];

export const settingDefaults: Settings = {
  'desktop.keepRunningWhenClosed': null,
  'desktop.startAtLogin': false,
  'desktop.notifyNewMail': true,
  'mail.checkEveryMinutes': 2,
  'offline.windowDays': 90,
  'offline.maxMessageMb': 5,
  'offline.browserBudgetMb': 500,
  'notifications.folders': {},
  'reader.remoteContentFrom': [],
  'appearance.theme': 'system',
};

/** All settings, each validated by its own schema. */
export const SettingsSchema = z.object(settingSchemas);

export type SettingChange = { [K in SettingKey]: { key: K; value: Settings[K] } }[SettingKey];

/** One change: the key names its schema, so `{ key, value }` is validated per key. */
export const SettingChange = z.union(settingKeys.map((key) => z.object({ key: z.literal(key), value: settingSchemas[key] }).strict())) as unknown as z.ZodType<
  SettingChange,
  SettingChange
>;

/** The key of a folder in `notifications.folders`: its account and path (account ids hold no NUL). */
export function folderKey(accountId: string, path: string): string {
  return `${accountId}\u0000${path}`;
}

/** Whether new mail in a folder is announced: the user's choice for it, else inboxes only. */
export function folderNotifies(choices: Settings['notifications.folders'], folder: { accountId: string; path: string; specialUse: string | null }): boolean {
  return choices[folderKey(folder.accountId, folder.path)] ?? folder.specialUse === 'inbox';
}

/** Whether a sender's remote content loads without asking: their address, or their domain, is on the list. */
export function remoteContentAllowed(list: readonly string[], sender: string | undefined): boolean {
  if (!sender) return false;
  const address = sender.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return list.some((entry) => entry === address || entry.replace(/^@/, '') === domain);
}
