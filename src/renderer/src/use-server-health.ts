// The household server's certificate and smarthost state, polled while the Server panel is open
// (the same 5 s as its queue), so a smarthost problem shows as soon as the relay met it.
import { useEffect, useState } from 'react';
import type { ServerCertificateStatus, ServerRelayStatus } from '../../shared/api.ts';
import type { Transport } from './api/transport.ts';

export interface ServerHealth {
  certificate: ServerCertificateStatus | null;
  relay: ServerRelayStatus | null;
}

export function useServerHealth(api: Transport, everyMs = 5000): ServerHealth {
  const [health, setHealth] = useState<ServerHealth>({ certificate: null, relay: null });
  useEffect(() => {
    let live = true;
    const refresh = () => {
      void Promise.all([api.call('server.certificate.status', {}).catch(() => null), api.call('server.relay.status', {}).catch(() => null)]).then(
        ([certificate, relay]) => {
          if (live) setHealth({ certificate, relay });
        },
      );
    };
    refresh();
    const t = setInterval(refresh, everyMs);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [api, everyMs]);
  return health;
}
