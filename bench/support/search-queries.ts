// The queries of bench/search.ts: the same 100 of each kind on every run (seeded), each written for
// Hearth's search box and for notmuch's query syntax.
import { seededRandom } from '../../test/support/seeded-random.ts';
import { VOCABULARY, type Language } from '../corpus/generate.ts';

export const QUERIES = 100;

export type Kind = 'one word' | 'two words' | 'prefix' | 'phrase' | 'operator-only' | 'mixed';
export interface Query {
  hearth: string;
  notmuch: string;
}

/** The same 100 queries of each kind on every run: words of the corpus, in all its languages. */
export function searchQueries(): Record<Kind, Query[]> {
  const rnd = seededRandom(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const spaced: Language[] = ['en', 'en', 'en', 'de', 'fr', 'ru', 'el', 'ar'];
  const word = () => pick(VOCABULARY[pick(spaced)]);
  const enWord = () => pick(VOCABULARY.en);
  const names = ['alice', 'bob', 'carol', 'dave', 'grace', 'judy', 'trent', 'zoe', 'jurgen'];
  const day = () => `202${pick([4, 5])}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
  const make = (f: () => Query): Query[] => Array.from({ length: QUERIES }, f);
  return {
    'one word': make(() => {
      const w = rnd() < 0.15 ? pick(VOCABULARY[pick(['zh', 'ja'] as const)]) : word();
      return { hearth: w, notmuch: w };
    }),
    'two words': make(() => {
      const [a, b] = [enWord(), word()];
      return { hearth: `${a} ${b}`, notmuch: `${a} and ${b}` };
    }),
    prefix: make(() => {
      const w = enWord().slice(0, 3 + Math.floor(rnd() * 2));
      return { hearth: `${w}*`, notmuch: `${w}*` };
    }),
    phrase: make(() => {
      const p = `${enWord()} ${enWord()}`;
      return { hearth: `"${p}"`, notmuch: `"${p}"` };
    }),
    'operator-only': make(() => {
      const r = rnd();
      const who = pick(names);
      if (r < 0.25) return { hearth: `from:${who}`, notmuch: `from:${who}` };
      if (r < 0.5) return { hearth: 'is:unread has:attachment', notmuch: 'tag:unread and tag:attachment' };
      if (r < 0.75) {
        const d = day();
        return { hearth: `after:${d} is:flagged`, notmuch: `date:${d}.. and tag:flagged` };
      }
      return { hearth: `to:${who} -is:unread`, notmuch: `to:${who} and not tag:unread` };
    }),
    mixed: make(() => {
      const w = enWord();
      const who = pick(names);
      const d = day();
      return rnd() < 0.5
        ? { hearth: `${w} from:${who} after:${d}`, notmuch: `${w} and from:${who} and date:${d}..` }
        : { hearth: `${w} -${enWord()} is:unread`, notmuch: `${w} and not ${enWord()} and tag:unread` };
    }),
  };
}
