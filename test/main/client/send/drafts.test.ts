// Drafts without a server: kept here first, the server copy replaced in the background (the
// latest save only), removed on delete; a server that fails leaves the local draft intact.
import { describe, expect, it } from 'vitest';
import type { ComposeMessage } from '../../../../src/shared/api.ts';
import { silentLogger } from '../../../../src/main/base/log.ts';
import { Drafts } from '../../../../src/main/client/send/drafts.ts';
import { tempDir } from '../../../support/temp-dir.ts';

function drafts(failServer = false) {
  const calls: { op: 'save' | 'delete'; accountId: string; messageId: string; raw?: string }[] = [];
  let clock = 1000;
  const d = new Drafts({
    dataDir: tempDir('drafts-unit'),
    log: silentLogger,
    account: () => ({ identities: [{ name: 'Ann', email: 'ann@home.test' }] }),
    attachmentOf: () => Promise.reject(new Error('no messages here')),
    saveDraftToServer: async (accountId, raw, messageId) => {
      if (failServer) throw new Error('offline');
      calls.push({ op: 'save', accountId, messageId, raw: raw.toString('utf8') });
    },
    deleteDraftFromServer: async (accountId, messageId) => {
      calls.push({ op: 'delete', accountId, messageId });
    },
    now: () => clock++,
  });
  return { d, calls };
}

const compose = (over: Partial<ComposeMessage> = {}): ComposeMessage => ({
  accountId: 'acc',
  identity: 0,
  to: 'bob@example.test',
  cc: '',
  bcc: '',
  subject: 'Plans',
  text: 'Saturday?',
  attachments: [],
  references: [],
  ...over,
});

describe('Drafts', () => {
  it('keeps a draft here and puts only its latest save on the server, under one stable Message-ID', async () => {
    const { d, calls } = drafts();
    const { draftId } = d.save(compose());
    d.save(compose({ draftId, subject: 'Plans, take two' }));
    await d.settled();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ op: 'save', accountId: 'acc', messageId: `<draft.${draftId}@home.test>` });
    expect(calls[0]!.raw).toContain('Subject: Plans, take two');
    expect(calls[0]!.raw).toContain('X-Hearth-Draft: 1');
    expect(d.list().map((x) => [x.draftId, x.message.subject])).toEqual([[draftId, 'Plans, take two']]);
    d.save(compose({ draftId, subject: 'Plans, final' }));
    await d.settled();
    expect(calls.map((c) => c.messageId)).toEqual([`<draft.${draftId}@home.test>`, `<draft.${draftId}@home.test>`]);
  });

  it('lists the last saved first, and deletes here and on the server', async () => {
    const { d, calls } = drafts();
    const first = d.save(compose({ subject: 'first' }));
    d.save(compose({ subject: 'second' }));
    expect(d.list().map((x) => x.message.subject)).toEqual(['second', 'first']);
    d.delete(first.draftId);
    await d.settled();
    expect(d.list().map((x) => x.message.subject)).toEqual(['second']);
    expect(calls.filter((c) => c.op === 'delete')).toEqual([{ op: 'delete', accountId: 'acc', messageId: `<draft.${first.draftId}@home.test>` }]);
  });

  it('keeps the draft here when the server cannot take it', async () => {
    const { d, calls } = drafts(true);
    d.save(compose());
    await d.close();
    expect(calls).toEqual([]);
    expect(d.list()).toHaveLength(1);
  });
});
