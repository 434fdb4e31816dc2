import { describe, it, expect } from 'vitest';
import { senderBelongsTo } from '../../../../src/main/server/users/sender.ts';
import { ConfigUserDirectory } from '../../../../src/main/server/users/directory.ts';
import { addDomain, addUser, setAlias } from '../../../../src/main/server/users/config.ts';
import { tempDir } from '../../../support/temp-dir.ts';

process.env.HEARTH_SCRYPT_LN = '10';

describe('senderBelongsTo', () => {
  it("accepts the user's own address and aliases that deliver to them, nothing else", async () => {
    const dir = tempDir();
    await addUser(dir, 'alice@home.arpa', 'pw');
    await addUser(dir, 'bob@home.arpa', 'pw');
    await setAlias(dir, 'family@home.arpa', ['alice@home.arpa', 'bob@home.arpa']);
    await setAlias(dir, 'kids@home.arpa', ['bob@home.arpa']);
    await addDomain(dir, 'other.test');
    const users = new ConfigUserDirectory(dir);
    await users.refresh();
    const cases: Array<[string, boolean]> = [
      ['alice@home.arpa', true],
      ['Alice@Home.Arpa', true],
      ['alice+lists@home.arpa', true], // sub-address of her own
      ['family@home.arpa', true],
      ['kids@home.arpa', false],
      ['bob@home.arpa', false],
      ['nobody@home.arpa', false],
      ['alice@other.test', false],
      ['alice@example.org', false],
      ['', false],
    ];
    for (const [sender, ok] of cases) expect([sender, await senderBelongsTo(users, sender, 'alice@home.arpa')]).toEqual([sender, ok]);
  });
});
