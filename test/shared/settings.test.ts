// The settings' shared rules: which folders announce new mail, whose remote content loads, and
// that each key validates its own value.
import { describe, expect, it } from 'vitest';
import { folderKey, folderNotifies, remoteContentAllowed, SettingChange, settingDefaults, SettingsSchema } from '../../src/shared/settings.ts';

describe('folderNotifies', () => {
  const inbox = { accountId: 'a1', path: 'INBOX', specialUse: 'inbox' };
  const lists = { accountId: 'a1', path: 'Lists/Hearth', specialUse: null };
  it('announces inboxes by default and follows the user’s choice per folder', () => {
    expect(folderNotifies({}, inbox)).toBe(true);
    expect(folderNotifies({}, lists)).toBe(false);
    const choices = { [folderKey('a1', 'INBOX')]: false, [folderKey('a1', 'Lists/Hearth')]: true };
    expect(folderNotifies(choices, inbox)).toBe(false);
    expect(folderNotifies(choices, lists)).toBe(true);
    // Another account's folder of the same path is its own choice.
    expect(folderNotifies(choices, { ...inbox, accountId: 'a2' })).toBe(true);
  });
});

describe('remoteContentAllowed', () => {
  it('matches a listed address or the sender’s whole domain, case-insensitively', () => {
    const list = ['news@shop.example', 'photos.example'];
    expect(remoteContentAllowed(list, 'News@Shop.Example')).toBe(true);
    expect(remoteContentAllowed(list, 'other@shop.example')).toBe(false);
    expect(remoteContentAllowed(list, 'ann@photos.example')).toBe(true);
    expect(remoteContentAllowed(['@photos.example'], 'ann@photos.example')).toBe(true);
    expect(remoteContentAllowed(list, 'ann@evil-photos.example')).toBe(false);
    expect(remoteContentAllowed(list, undefined)).toBe(false);
  });
});

describe('setting values', () => {
  it('has a valid default for every key and refuses values outside a key’s range', () => {
    expect(SettingsSchema.parse(settingDefaults)).toEqual(settingDefaults);
    expect(SettingChange.safeParse({ key: 'mail.checkEveryMinutes', value: 0 }).success).toBe(false);
    expect(SettingChange.safeParse({ key: 'appearance.theme', value: 'purple' }).success).toBe(false);
    expect(SettingChange.safeParse({ key: 'appearance.theme', value: 'dark' }).success).toBe(true);
    expect(SettingChange.safeParse({ key: 'reader.remoteContentFrom', value: ['  News@Shop.Example '] })).toMatchObject({
      success: true,
      data: { value: ['news@shop.example'] },
    });
  });
});
