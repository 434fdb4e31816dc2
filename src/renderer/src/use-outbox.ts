// The outbox as main reports it. Every outbox.changed event carries the whole list and is the
// truth; the list is also asked for when the connection (re)opens, but a reply that crossed an
// event on the way is older than that event and is dropped, so a message never shows a state it
// has already left (say "Sending…" after the server answered).
import { useEffect, useState } from 'react';
import type { OutboxItem } from '../../shared/api.ts';
import type { Transport } from './api/transport.ts';

export function followOutbox(api: Pick<Transport, 'on' | 'onState' | 'state' | 'call'>, show: (items: OutboxItem[]) => void): () => void {
  let events = 0;
  const ask = () => {
    const seen = events;
    void api.call('outbox.list', {}).then(
      (items) => {
        if (events === seen) show(items);
      },
      () => {},
    );
  };
  const offEvent = api.on('outbox.changed', (items) => {
    events++;
    show(items);
  });
  const offState = api.onState((s) => {
    if (s === 'online') ask();
  });
  if (api.state() === 'online') ask();
  return () => {
    offEvent();
    offState();
  };
}

export function useOutbox(api: Transport): OutboxItem[] {
  const [items, setItems] = useState<OutboxItem[]>([]);
  useEffect(() => followOutbox(api, setItems), [api]);
  return items;
}
