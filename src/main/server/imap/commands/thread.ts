// THREAD / UID THREAD (RFC 5256): ORDEREDSUBJECT and REFERENCES over the messages the search
// criteria find (shared search evaluator); the algorithms live in thread.ts.
import type { CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';
import { nodeText } from '../protocol/tokenizer.ts';
import { parseCriteria, searchNeeds } from '../protocol/search-query.ts';
import { baseSubject } from '../protocol/base-subject.ts';
import { headerText } from '../../../mail/decode.ts';
import { headerValue } from '../../../mail/mime-tree.ts';
import { searchMailbox } from '../search-eval.ts';
import type { SearchHit } from '../search-eval.ts';
import { sentTimeOf, subjectOf } from '../message-sort.ts';
import { formatThreads, msgIds, threadOrderedSubject, threadReferences } from '../thread.ts';
import type { ThreadMessage } from '../thread.ts';
import { enableCondstore, requireSelected } from './helpers.ts';
import { checkCharset, parseOrBad } from './search.ts';

export const THREAD_ALGORITHMS = ['ORDEREDSUBJECT', 'REFERENCES'] as const;

function threadMessage(hit: SearchHit, uid: boolean): ThreadMessage {
  const header = (name: string) => {
    const v = hit.structure ? headerValue(hit.structure.headers, name) : null;
    return v === null ? null : headerText(v);
  };
  const references = msgIds(header('references'));
  return {
    n: uid ? hit.uid : hit.msn,
    msn: hit.msn,
    date: sentTimeOf(hit),
    subject: baseSubject(subjectOf(hit)),
    messageId: msgIds(header('message-id'))[0] ?? null,
    // RFC 5256 4 (1A): References, or else the first msg-id of In-Reply-To.
    references: references.length ? references : msgIds(header('in-reply-to')).slice(0, 1),
  };
}

export const thread: CommandSpec = {
  states: ['selected'],
  allowExpunge: false,
  async handler({ session, args, uid }) {
    const sel = requireSelected(session);
    const algorithm = nodeText(args[0])?.toUpperCase() ?? '';
    if (!(THREAD_ALGORITHMS as readonly string[]).includes(algorithm)) throw bad('Unknown thread algorithm');
    const charset = nodeText(args[1]);
    if (!charset) throw bad('Charset expected');
    const key = parseOrBad(() => parseCriteria(args.slice(2)));
    checkCharset(charset);
    if (searchNeeds(key).modseq) enableCondstore(session);
    const found = await searchMailbox(session, sel, key, true);
    if (!found) return;
    const messages = found.map((h) => threadMessage(h, uid));
    const threads = algorithm === 'REFERENCES' ? threadReferences(messages) : threadOrderedSubject(messages);
    session.send([`* THREAD${threads.length ? ' ' + formatThreads(threads) : ''}\r\n`]);
  },
};
