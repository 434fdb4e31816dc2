// A parsed search (shared/search-query.ts) as an IMAP SEARCH (RFC 3501 6.4.4) for imapflow, for the
// folders whose bodies are not all indexed locally. Operators IMAP has no key for (filename:, in:,
// account:) are left to the local filter the results pass through afterwards.
import type { SearchObject } from 'imapflow';
import type { ParsedQuery, SearchTerm } from '../../../shared/search-query.ts';

function key(t: SearchTerm): SearchObject | null {
  switch (t.kind) {
    case 'text':
      if (t.field === 'filename') return null;
      return { [t.field === 'any' ? 'text' : t.field]: t.text };
    case 'flag':
      return t.flag === 'unread' ? { seen: false } : t.flag === 'read' ? { seen: true } : { flagged: t.flag === 'flagged' };
    case 'date':
      return t.op === 'before' ? { before: new Date(t.at) } : { since: new Date(t.at) };
    case 'size':
      return t.op === 'larger' ? { larger: t.bytes } : { smaller: t.bytes };
    default:
      return null;
  }
}

/**
 * The query's terms ANDed (each nested in a one-element OR, which imapflow writes as the term
 * itself, so one key may repeat), or null when it has no text term: then the local index answers alone.
 */
export function toImapSearch(parsed: ParsedQuery): SearchObject | null {
  if (!parsed.terms.some((t) => t.kind === 'text' && !t.negated && t.field !== 'filename')) return null;
  let out: SearchObject | null = null;
  for (const t of parsed.terms) {
    const k = key(t);
    if (!k) continue;
    const term: SearchObject = t.negated ? { not: k } : k;
    out = out ? { ...term, or: [out] } : term;
  }
  return out;
}
