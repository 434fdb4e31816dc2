// The outbox bar's feed: events are the truth; a list asked for on (re)connect that crosses an
// event on the way is older than it and must not bring back a state the message has left.
import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../src/shared/api.ts';
import type { ConnectionState } from '../../src/renderer/src/api/transport.ts';
import { followOutbox } from '../../src/renderer/src/use-outbox.ts';

const item = (state: OutboxItem['state']): OutboxItem => ({
  id: 'm1',
  accountId: 'a',
  messageId: '<m1@x>',
  subject: 'Hello',
  to: ['b@x.test'],
  state,
  until: null,
  attempts: 1,
  error: null,
  created: 1,
});

function fakeApi() {
  let onEvent: (items: OutboxItem[]) => void = () => {};
  let onState: (s: ConnectionState) => void = () => {};
  const replies: ((items: OutboxItem[]) => void)[] = [];
  const api = {
    state: (): ConnectionState => 'connecting',
    on: (_e: string, l: (items: OutboxItem[]) => void) => ((onEvent = l), () => {}),
    onState: (l: (s: ConnectionState) => void) => ((onState = l), () => {}),
    call: () => new Promise<OutboxItem[]>((r) => replies.push(r)),
  };
  return {
    api: api as unknown as Parameters<typeof followOutbox>[0],
    emit: (items: OutboxItem[]) => onEvent(items),
    connect: () => onState('online'),
    replies,
  };
}

describe('followOutbox', () => {
  it('keeps the state of the last event when an older list reply arrives after it', async () => {
    const f = fakeApi();
    const shown: OutboxItem[][] = [];
    followOutbox(f.api, (items) => shown.push(items));
    f.connect(); // asks for the list: main answers with the message still sending…
    f.emit([item('sent')]); // …but the server's answer and the filed copy overtake that reply
    f.emit([]);
    f.replies[0]!([item('sending')]);
    await Promise.resolve();
    expect(shown.at(-1)).toEqual([]);
  });

  it('shows the list asked for on connect when no event crossed it', async () => {
    const f = fakeApi();
    const shown: OutboxItem[][] = [];
    followOutbox(f.api, (items) => shown.push(items));
    f.connect();
    f.replies[0]!([item('held')]);
    await Promise.resolve();
    expect(shown.at(-1)).toEqual([item('held')]);
  });
});
