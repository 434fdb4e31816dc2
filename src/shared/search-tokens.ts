// Words as the search index sees them, the same for main's FTS5 index and the renderer's offline
// search. Latin, Greek, Cyrillic, Arabic… words are runs of letters and digits (FTS5's unicode61
// tokenizer folds case and accents on both sides). Chinese, Japanese and Korean do not put spaces
// between words, so a run of those scripts becomes overlapping bigrams ("会議室" → 会議 議室) plus
// its last character alone: every character then starts some token, so one character is a prefix
// query, two are one token, and three or more are a phrase of consecutive bigrams.

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u3005\\u30fc';
const CJK_RUN = new RegExp(`[${CJK}]+`, 'gu');
const CJK_ONLY = new RegExp(`^[${CJK}]+$`, 'u');
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
// unicode61 folds Latin accents but not Greek ones (τόνος, διαλυτικά), nor final sigma: done here.
const GREEK_RUN = /[\u0370-\u03ff\u1f00-\u1fff]+/gu;

function foldGreek(text: string): string {
  return text.replace(GREEK_RUN, (run) =>
    run
      .normalize('NFD')
      .replace(/[\u0300-\u036f\u0342\u0345]/g, '')
      .replace(/ς/g, 'σ')
      .normalize('NFC'),
  );
}

function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** Text as stored in the index: CJK runs spelled as bigrams plus their last character, the rest unchanged. */
export function indexableText(text: string): string {
  return foldGreek(text).replace(CJK_RUN, (run) => {
    const chars = [...run];
    return ` ${bigrams(run).join(' ')}${chars.length > 1 ? ' ' + chars[chars.length - 1] : ''} `;
  });
}

/** The tokens a query's words stand for, in order (a CJK run gives its bigrams, without the trailing single). */
export function queryTokens(text: string): string[] {
  const out: string[] = [];
  for (const piece of foldGreek(text)
    .replace(CJK_RUN, (run) => `\u0000${run}\u0000`)
    .split('\u0000')) {
    if (!piece) continue;
    if (CJK_ONLY.test(piece)) out.push(...bigrams(piece));
    else for (const w of piece.matchAll(WORD)) out.push(w[0]);
  }
  return out;
}

/** True for a token that is one CJK character (a query for it is a prefix of the bigrams). */
export function isSingleCjk(token: string): boolean {
  return [...token].length === 1 && CJK_ONLY.test(token);
}
