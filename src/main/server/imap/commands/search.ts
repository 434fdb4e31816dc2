// SEARCH / UID SEARCH with CHARSET UTF-8, MODSEQ (RFC 7162) and ESEARCH return options (RFC 4731,
// RFC 5267 PARTIAL, and UPDATE: a live result, search-context.ts). Matching is search-eval.ts's, shared with SORT and THREAD.
import type { CommandSpec } from '../command-types.ts';
import { bad, no } from '../command-types.ts';
import { parseSearch, searchNeeds, SearchSyntaxError } from '../protocol/search-query.ts';
import { SortSyntaxError } from '../protocol/sort-criteria.ts';
import { esearchLine } from '../protocol/result-options.ts';
import { searchMailbox } from '../search-eval.ts';
import { enableCondstore, keepUpdated, refuseTagReuse, requireSelected } from './helpers.ts';

/** Charsets SEARCH accepts (RFC 3501 6.4.4 requires US-ASCII and UTF-8). */
export function checkCharset(charset: string | null): void {
  if (charset && !['UTF-8', 'US-ASCII', 'UTF8'].includes(charset.toUpperCase())) {
    throw no('Only UTF-8 and US-ASCII are supported', 'BADCHARSET (UTF-8 US-ASCII)');
  }
}

/** Runs a SEARCH, SORT or THREAD argument parser; its syntax errors are the command's BAD. */
export function parseOrBad<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof SearchSyntaxError || err instanceof SortSyntaxError) throw bad(err.message);
    throw err;
  }
}

export const search: CommandSpec = {
  states: ['selected'],
  allowExpunge: false,
  async handler({ session, args, uid, tag }) {
    const sel = requireSelected(session);
    const parsed = parseOrBad(() => parseSearch(args));
    checkCharset(parsed.charset);
    refuseTagReuse(sel, tag, parsed.returns?.update);
    const withModseq = searchNeeds(parsed.key).modseq;
    // RFC 7162 3.1: a MODSEQ criterion is a CONDSTORE enabling command.
    if (withModseq) enableCondstore(session);
    const found = await searchMailbox(session, sel, parsed.key);
    if (!found) return;
    const nums = found.map((f) => (uid ? f.uid : f.msn));
    if (parsed.returns) {
      const hits = found.map((f, i) => ({ n: nums[i]!, modseq: f.meta.modseq }));
      session.send([esearchLine(tag, uid, hits, parsed.returns, { sorted: false, modseq: withModseq })]);
      if (parsed.returns.update)
        keepUpdated(
          session,
          sel,
          { tag, uid, key: parsed.key, criteria: null },
          found.map((hit) => ({ hit, values: [] })),
        );
      return;
    }
    const maxModseq = found.reduce((m, f) => Math.max(m, f.meta.modseq), 0);
    const modseqPart = withModseq && nums.length ? ` (MODSEQ ${maxModseq})` : '';
    session.send([`* SEARCH${nums.map((n) => ' ' + n).join('')}${modseqPart}\r\n`]);
  },
};
