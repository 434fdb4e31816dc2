// Autocomplete addresses: weights, names, and how a prefix matches.
import { describe, expect, it } from 'vitest';
import { Contacts } from '../../../../src/main/client/cache/contacts.ts';
import { seededCaches } from '../../../support/cache-db.ts';

const cache = seededCaches();

describe('Contacts', () => {
  it('weighs recipients above senders, keeps the last known name, and matches address, name or a word of it', () => {
    const c = cache();
    const contacts = new Contacts(c);
    contacts.observe([{ name: 'Ann Smith', address: 'Ann@X.test' }], 1, 1000);
    contacts.observe([{ name: 'Annette', address: 'annette@x.test' }], 3, 2000);
    contacts.observe([{ name: '', address: 'ann@x.test' }], 1, 3000); // no name: the known one stays
    contacts.observe([{ name: 'No address', address: 'not-an-address' }], 3, 4000);
    expect(contacts.suggest('ann', 10)).toEqual([
      { name: 'Annette', address: 'annette@x.test' },
      { name: 'Ann Smith', address: 'ann@x.test' },
    ]);
    expect(contacts.suggest('smi', 10)).toEqual([{ name: 'Ann Smith', address: 'ann@x.test' }]);
    expect(contacts.suggest('%', 10)).toEqual([]); // LIKE wildcards are text
    expect(contacts.suggest('a', 1)).toHaveLength(1);
  });
});
