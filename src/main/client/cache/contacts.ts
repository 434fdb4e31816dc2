// Addresses one has exchanged mail with, for autocomplete in the composer: senders of mail
// received count once, recipients one writes to three times. Not journaled (main answers
// suggestions itself).
import type { CacheDb } from './cache-db.ts';

// A type, not an interface: the SQLite rows (index signatures) must be assignable to it.
export type ContactAddress = { name: string; address: string };

export class Contacts {
  private readonly c: CacheDb;

  constructor(cache: CacheDb) {
    this.c = cache;
  }

  /** Counts addresses seen (weight 1 received, 3 written to) for autocomplete. */
  observe(list: ContactAddress[], weight: number, when: number): void {
    const stmt = this.c.prepared(
      `INSERT INTO contacts (address, name, uses, last) VALUES (?,?,?,?)
       ON CONFLICT (address) DO UPDATE SET uses=uses+excluded.uses, last=MAX(last, excluded.last),
         name=CASE WHEN excluded.name <> '' THEN excluded.name ELSE contacts.name END`,
    );
    for (const a of list) if (a.address.includes('@')) stmt.run(a.address.toLowerCase(), a.name, weight, when);
  }

  /** Addresses or names (or a word of a name) starting with `prefix`, most used first. */
  suggest(prefix: string, limit: number): ContactAddress[] {
    const like = `${prefix.trim().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const wordLike = `% ${like}`;
    return this.c.db
      .prepare(
        `SELECT name, address FROM contacts WHERE address LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' OR name LIKE ?2 ESCAPE '\\'
         ORDER BY uses DESC, last DESC LIMIT ?3`,
      )
      .all(like, wordLike, limit) as ContactAddress[];
  }
}
