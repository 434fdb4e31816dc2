// Message rows as the renderer gets them (MessageSummary), for tests of what it does with them.
import type { MessageSummary } from '../../src/shared/api.ts';

/** Message `id` of account 'a', folder 1, its own thread, uid and date = id; anything else from `over`. */
export function summaryOf(id: number, over: Partial<MessageSummary> = {}): MessageSummary {
  return {
    id,
    accountId: 'a',
    mailboxId: 1,
    uid: id,
    messageId: null,
    subject: `m${id}`,
    from: [],
    to: [],
    cc: [],
    date: id,
    flags: [],
    size: 1,
    snippet: '',
    hasAttachments: false,
    threadId: id,
    ...over,
  };
}
