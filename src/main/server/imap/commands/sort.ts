// SORT / UID SORT (RFC 5256 3) with ESORT result options (RFC 5267 3, incl. PARTIAL, and UPDATE:
// a live result in sort order, CONTEXT=SORT, search-context.ts). The messages come from the
// shared search evaluator; the order from message-sort.ts.
import type { CommandSpec } from '../command-types.ts';
import { nodeText } from '../protocol/tokenizer.ts';
import { parseCriteria, parseReturn, searchNeeds, SearchSyntaxError } from '../protocol/search-query.ts';
import { parseSortCriteria } from '../protocol/sort-criteria.ts';
import { esearchLine } from '../protocol/result-options.ts';
import { searchMailbox } from '../search-eval.ts';
import { sortHitsWithValues } from '../message-sort.ts';
import { enableCondstore, keepUpdated, refuseTagReuse, requireSelected } from './helpers.ts';
import { checkCharset, parseOrBad } from './search.ts';

export const sort: CommandSpec = {
  states: ['selected'],
  allowExpunge: false,
  async handler({ session, args, uid, tag }) {
    const sel = requireSelected(session);
    const parsed = parseOrBad(() => {
      const { returns, rest } = parseReturn(args);
      const criteria = parseSortCriteria(rest[0]);
      const charset = nodeText(rest[1]);
      if (!charset) throw new SearchSyntaxError('Charset expected');
      return { returns, criteria, charset, key: parseCriteria(rest.slice(2)) };
    });
    checkCharset(parsed.charset);
    refuseTagReuse(sel, tag, parsed.returns?.update);
    const withModseq = searchNeeds(parsed.key).modseq;
    if (withModseq) enableCondstore(session);
    const found = await searchMailbox(session, sel, parsed.key, true);
    if (!found) return;
    const keyed = sortHitsWithValues(found, parsed.criteria);
    const sorted = keyed.map((k) => k.hit);
    const nums = sorted.map((h) => (uid ? h.uid : h.msn));
    if (parsed.returns) {
      const hits = sorted.map((h, i) => ({ n: nums[i]!, modseq: h.meta.modseq }));
      session.send([esearchLine(tag, uid, hits, parsed.returns, { sorted: true, modseq: withModseq })]);
      if (parsed.returns.update) keepUpdated(session, sel, { tag, uid, key: parsed.key, criteria: parsed.criteria }, keyed);
      return;
    }
    // The highest MODSEQ as SEARCH has it (RFC 7162 3.1.5); Dovecot answers SORT the same way.
    const modseq = withModseq && sorted.length ? ` (MODSEQ ${sorted.reduce((m, h) => Math.max(m, h.meta.modseq), 0)})` : '';
    session.send([`* SORT${nums.map((n) => ' ' + n).join('')}${modseq}\r\n`]);
  },
};
