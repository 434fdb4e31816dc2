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
} as const;

export type SettingKey = keyof typeof settingSchemas;
export type Settings = { [K in SettingKey]: z.output<(typeof settingSchemas)[K]> };
export const settingKeys = Object.keys(settingSchemas) as SettingKey[];

export const settingDefaults: Settings = {
  'desktop.keepRunningWhenClosed': null,
  'desktop.startAtLogin': false,
  'desktop.notifyNewMail': true,
};

/** All settings, each validated by its own schema. */
export const SettingsSchema = z.object(settingSchemas);

export type SettingChange = { [K in SettingKey]: { key: K; value: Settings[K] } }[SettingKey];

/** One change: the key names its schema, so `{ key, value }` is validated per key. */
export const SettingChange = z.union(settingKeys.map((key) => z.object({ key: z.literal(key), value: settingSchemas[key] }).strict())) as unknown as z.ZodType<
  SettingChange,
  SettingChange
>;
