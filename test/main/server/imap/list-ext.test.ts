// LIST-EXTENDED (RFC 5258) and subscriptions over the wire, against Dovecot where both servers
// can be given the same mailboxes: subscriptions outlive DELETE, CREATE does not subscribe,
// LSUB "%" shows an unsubscribed parent as \Noselect, unknown options are BAD.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer } from '../../../support/imap-test-server.ts';
import type { RawClient } from '../../../support/imap-raw-client.ts';
import type { TestServer } from '../../../support/imap-test-server.ts';
import { openPair, untagged } from '../../../support/imap-pair.ts';

let srv: TestServer;
let ours: RawClient;
let theirs: RawClient;

beforeAll(async () => {
  srv = await startTestServer();
  ({ ours, theirs } = await openPair(srv));
}, 60_000);

afterAll(async () => {
  ours?.close();
  theirs?.close();
  await srv?.close();
});

/** Send to both servers; expect the same status, and return both untagged answers. */
async function both(cmd: string): Promise<[string[], string[]]> {
  const a = await ours.cmd('q', cmd);
  const b = await theirs.cmd('q', cmd);
  expect(/q (OK|NO|BAD)/.exec(a)![1], `${cmd}: ${a} / ${b}`).toBe(/q (OK|NO|BAD)/.exec(b)![1]);
  return [untagged(a), untagged(b)];
}

describe('subscriptions', () => {
  it('CREATE subscribes neither the mailbox nor its implicit parents', async () => {
    await both('CREATE Projects/2026/Q1');
    const [a, b] = await both('LSUB "" Projects*');
    expect(a).toEqual([]);
    expect(b).toEqual([]);
    expect((await both('LIST (SUBSCRIBED) "" "Projects*"'))[0]).toEqual([]);
  });

  it('a deleted subscribed mailbox stays subscribed: (\\Subscribed \\NonExistent), and can be unsubscribed', async () => {
    await both('CREATE Gone');
    await both('SUBSCRIBE Gone');
    await both('DELETE Gone');
    const [a, b] = await both('LIST (SUBSCRIBED) "" Gone');
    expect(a).toEqual(['* LIST (\\Subscribed \\NonExistent) "/" Gone']);
    expect(b).toEqual(a);
    expect((await both('LSUB "" Gone'))[0]).toEqual(['* LSUB () "/" Gone']);
    // Not listed among existing mailboxes.
    expect((await both('LIST "" Gone'))[0]).toEqual([]);
    await both('UNSUBSCRIBE Gone');
    const [c, d] = await both('LIST (SUBSCRIBED) "" Gone');
    expect(c).toEqual([]);
    expect(d).toEqual([]);
  });

  it('a name subscribed while its mailbox was gone is subscribed again when re-created', async () => {
    await both('CREATE Back');
    await both('SUBSCRIBE Back');
    await both('DELETE Back');
    await both('CREATE Back');
    const [a, b] = await both('LIST "" Back RETURN (SUBSCRIBED)');
    expect(a).toEqual(['* LIST (\\Subscribed \\HasNoChildren) "/" Back']);
    expect(b[0]).toMatch(/^\* LIST \(\\Subscribed/);
  });

  it('LSUB "%" returns an unsubscribed parent of a subscribed child as \\Noselect', async () => {
    await both('SUBSCRIBE Projects/2026/Q1');
    const [a, b] = await both('LSUB "" Proj%');
    expect(a).toEqual(['* LSUB (\\Noselect) "/" Projects']);
    expect((await both('LSUB "" Projects'))[0]).toEqual([]); // only a trailing "%" answers with the levels above
    expect(b).toEqual(a);
    expect((await both('LSUB "" Projects/%'))[0]).toEqual(['* LSUB (\\Noselect) "/" Projects/2026']);
    expect((await both('LSUB "" Projects/*'))[0]).toEqual(['* LSUB (\\HasNoChildren) "/" Projects/2026/Q1']);
  });

  it('RECURSIVEMATCH reports the parent with CHILDINFO ("SUBSCRIBED")', async () => {
    const [a, b] = await both('LIST (SUBSCRIBED RECURSIVEMATCH) "" Projects');
    // Hearth's implicit parents exist (Dovecot's Maildir++ has none): attributes differ there.
    expect(a).toEqual(['* LIST (\\HasChildren) "/" Projects (CHILDINFO ("SUBSCRIBED"))']);
    expect(b).toEqual(['* LIST (\\NonExistent) "/" Projects (CHILDINFO ("SUBSCRIBED"))']);
  });
});

describe('LIST-EXTENDED options', () => {
  const badOnes = ['LIST (FOO) "" %', 'LIST "" % RETURN (FOO)', 'LIST (RECURSIVEMATCH) "" %', 'LIST (RECURSIVEMATCH REMOTE) "" %'];
  for (const cmd of badOnes) {
    it(`${cmd} is BAD, as in Dovecot`, async () => {
      expect(await ours.cmd('b', cmd)).toMatch(/b BAD/);
      expect(await theirs.cmd('b', cmd)).toMatch(/b BAD/);
    });
  }

  it('accepts REMOTE, CHILDREN and SPECIAL-USE', async () => {
    for (const cmd of ['LIST (REMOTE) "" INBOX', 'LIST "" INBOX RETURN (CHILDREN)', 'LIST "" Drafts RETURN (SPECIAL-USE)', 'LIST (SPECIAL-USE) "" Drafts']) {
      expect(await ours.cmd('g', cmd)).toMatch(/g OK/);
    }
    expect(untagged(await ours.cmd('g', 'LIST (SPECIAL-USE) "" *'))).toContain('* LIST (\\HasNoChildren \\Drafts) "/" Drafts');
  });

  it('LIST-STATUS leaves out names that do not exist', async () => {
    await ours.cmd('s', 'CREATE Gone2');
    await ours.cmd('s', 'SUBSCRIBE Gone2');
    await ours.cmd('s', 'DELETE Gone2');
    expect(untagged(await ours.cmd('l', 'LIST (SUBSCRIBED) "" Gone2 RETURN (STATUS (MESSAGES))'))).toEqual(['* LIST (\\Subscribed \\NonExistent) "/" Gone2']);
  });
});
