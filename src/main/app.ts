// Everything the app runs in main, independent of the host: the services and the embedded
// household server. On a fresh data folder the server gets a demo mailbox, added as the first
// account, so a newcomer sees working mail at once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HearthServices, type HearthServicesOptions } from './client/hearth-services.ts';
import { atomicWriteFileSync } from './base/fs-durable.ts';
import { startHouseholdServer, type ListenerName, type RunningHouseholdServer } from './server/household-server.ts';
import type { RelayOptions } from './server/relay/relay.ts';
import { HouseholdAdmin } from './server/admin/household-admin.ts';
import { createCheckResolver } from './server/admin/dns-check.ts';
import { serverAdminHandlers } from './api/server-admin-handlers.ts';

/** What the client services need (data folder, host kind, version, secrets, log and its file), and more. */
export interface AppOptions extends Pick<HearthServicesOptions, 'dataDir' | 'host' | 'version' | 'secrets' | 'log' | 'logFile'> {
  /** Start the household server on loopback (demo mailbox on first run). */
  embeddedServer: boolean;
  /** Ports for the embedded server; default its standard non-privileged ports, 0 = ephemeral. */
  serverPorts?: Partial<Record<ListenerName, number | null>>;
  /** The undo-send window, ms (tests shorten it). */
  undoHoldMs?: number;
  /** Options for the embedded server's outgoing relay (smarthost, resolver; tests stay on loopback). */
  serverRelay?: Partial<RelayOptions>;
  /** The DNS server ("127.0.0.1:5353") the admin screen's live check asks; default the system's. */
  adminDnsResolver?: string;
}

export interface RunningApp {
  services: HearthServices;
  server: RunningHouseholdServer | null;
  close(): Promise<void>;
}

interface EmbeddedState {
  demoAccountId: string | null;
}

async function startEmbeddedServer(opts: AppOptions): Promise<RunningHouseholdServer> {
  const dataDir = path.join(opts.dataDir, 'server');
  const log = opts.log.child({ svc: 'household-server' });
  try {
    return await startHouseholdServer({
      dataDir,
      host: '127.0.0.1',
      demo: true,
      log,
      ...(opts.serverPorts ? { ports: opts.serverPorts } : {}),
      ...(opts.serverRelay ? { relay: opts.serverRelay } : {}),
    });
  } catch (e) {
    // Another program (or another Hearth) holds the standard ports: take free ones instead.
    if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    log.warn('standard ports busy; using free ones', {});
    const ephemeral = { smtp: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0, submission: 0, submissions: 0 };
    return startHouseholdServer({ dataDir, host: '127.0.0.1', demo: true, log, ports: ephemeral, ...(opts.serverRelay ? { relay: opts.serverRelay } : {}) });
  }
}

export async function startApp(opts: AppOptions): Promise<RunningApp> {
  const server = opts.embeddedServer ? await startEmbeddedServer(opts) : null;
  const services = new HearthServices({
    dataDir: opts.dataDir,
    host: opts.host,
    version: opts.version,
    secrets: opts.secrets,
    log: opts.log,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    ...(opts.undoHoldMs !== undefined ? { undoHoldMs: opts.undoHoldMs } : {}),
    ...(server
      ? {
          serverQueue: {
            list: () => server.relay.list(),
            retry: (id?: string) => server.relay.retryNow(id),
            delete: (id: string, reason: string, bounce: boolean) => server.relay.delete(id, reason, { bounce }),
          },
        }
      : {}),
    ...(server
      ? {
          serverAdmin: serverAdminHandlers(
            new HouseholdAdmin({ dataDir: server.dataDir, store: server.store, resolver: createCheckResolver(opts.adminDnsResolver) }),
          ),
        }
      : {}),
    serverStatus: () => ({
      running: server !== null,
      domain: server ? (server.users.localDomains()[0] ?? null) : null,
      listeners: server ? server.listeners.map((l) => ({ protocol: l.name, host: l.host, port: l.port })) : [],
    }),
  });

  if (server) {
    const statePath = path.join(opts.dataDir, 'embedded.json');
    const state: EmbeddedState = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : { demoAccountId: null };
    const imaps = server.listeners.find((l) => l.name === 'imaps');
    const submission = server.listeners.find((l) => l.name === 'submission');
    if (imaps && server.demo?.created && server.demo.password && !state.demoAccountId) {
      const account = services.addAccountUnchecked({
        name: 'Demo (this computer)',
        email: server.demo.address,
        incoming: {
          protocol: 'imap',
          host: '127.0.0.1',
          port: imaps.port,
          tls: 'tls',
          user: server.demo.address,
          password: server.demo.password,
          auth: 'password',
          caCert: server.tls.cert,
        },
        // Sending goes through the household server's submission port, like any phone in the house.
        ...(submission
          ? {
              outgoing: {
                host: '127.0.0.1',
                port: submission.port,
                tls: 'starttls' as const,
                user: server.demo.address,
                password: server.demo.password,
                caCert: server.tls.cert,
              },
            }
          : {}),
      });
      state.demoAccountId = account.id;
      atomicWriteFileSync(statePath, JSON.stringify(state));
    } else if (imaps && state.demoAccountId) {
      // The server may have had to take other ports this time; keep the demo account pointing at it.
      services.updateIncomingEndpoint(state.demoAccountId, '127.0.0.1', imaps.port, server.tls.cert);
      if (submission) services.updateOutgoingEndpoint(state.demoAccountId, '127.0.0.1', submission.port, server.tls.cert);
    }
  }

  services.start();
  return {
    services,
    server,
    close: async () => {
      await services.close();
      await server?.close();
    },
  };
}
