// Requests from the desktop shell (a mailto: link, a notification click, a menu command): the ones
// that waited while this window loaded, then each as it comes.
import { useEffect, useRef } from 'react';
import type { DesktopIntent } from '../../shared/desktop.ts';
import type { ConnectionState, Transport } from './api/transport.ts';

export function useDesktopIntents(api: Transport, connection: ConnectionState, handle: (intent: DesktopIntent) => void): void {
  const handler = useRef(handle);
  handler.current = handle;
  useEffect(() => api.on('desktop.intent', (intent) => handler.current(intent)), [api]);
  const online = connection === 'online';
  useEffect(() => {
    if (!online) return;
    void api
      .call('desktop.intents', {})
      .then((list) => list.forEach((intent) => handler.current(intent)))
      .catch(() => {});
  }, [api, online]);
}
