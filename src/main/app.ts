// Everything the app runs in main, independent of the host: the services, the embedded household
// server, the settings, and what the desktop shell hands the renderer (intents, opened .eml
// files). A new data folder starts with the first-run welcome (first-run.ts); folders from before
// it, and `welcome: false`, get the demo mailbox as the first account at once, as they always did.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { HearthServices, type AppHandlers, type HearthServicesOptions } from './client/hearth-services.ts';
import { SettingsStore } from './base/settings-store.ts';
import { EmlFiles } from './desktop/eml-files.ts';
import { IntentQueue } from './desktop/intent-queue.ts';
import { addLocalAccount, FirstRun, followServerPorts, readEmbeddedState, writeEmbeddedState } from './first-run.ts';
import { startHouseholdServer, type ListenerName, type RunningHouseholdServer } from './server/household-server.ts';
import type { RelayOptions } from './server/relay/relay.ts';
import { HouseholdAdmin } from './server/admin/household-admin.ts';
import { createCheckResolver } from './server/admin/dns-check.ts';
import { serverAdminHandlers } from './api/server-admin-handlers.ts';

/** What the client services need (data folder, host kind, version, secrets, log and its file), and more. */
export interface AppOptions extends Pick<HearthServicesOptions, 'dataDir' | 'host' | 'version' | 'secrets' | 'log' | 'logFile' | 'discovery'> {
  /** Start the household server on loopback. */
  embeddedServer: boolean;
  /** On a new data folder, let the user choose in the welcome (default); false = the demo mailbox at once. */
  welcome?: boolean;
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
  settings: SettingsStore;
  /** Requests for the main window (mailto: compose, open a message, menu commands). */
  intents: IntentQueue;
  /** Message files opened in reader windows. */
  emlFiles: EmlFiles;
  /** The first-run welcome's state and choices. */
  firstRun: FirstRun;
  close(): Promise<void>;
}

async function startEmbeddedServer(opts: AppOptions, demo: boolean): Promise<RunningHouseholdServer> {
  const dataDir = path.join(opts.dataDir, 'server');
  const log = opts.log.child({ svc: 'household-server' });
  try {
    return await startHouseholdServer({
      dataDir,
      host: '127.0.0.1',
      demo,
      log,
      ...(opts.serverPorts ? { ports: opts.serverPorts } : {}),
      ...(opts.serverRelay ? { relay: opts.serverRelay } : {}),
    });
  } catch (e) {
    // Another program (or another Hearth) holds the standard ports: take free ones instead.
    if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    log.warn('standard ports busy; using free ones', {});
    const ephemeral = { smtp: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0, submission: 0, submissions: 0, https: 0 };
    return startHouseholdServer({ dataDir, host: '127.0.0.1', demo, log, ports: ephemeral, ...(opts.serverRelay ? { relay: opts.serverRelay } : {}) });
  }
}

export async function startApp(opts: AppOptions): Promise<RunningApp> {
  // A data folder without main's cache is new: it gets the welcome instead of the demo mailbox.
  const fresh = !existsSync(path.join(opts.dataDir, 'cache.sqlite'));
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  let state = readEmbeddedState(opts.dataDir);
  if (fresh && opts.welcome !== false && state.welcome === undefined) {
    state = { ...state, welcome: 'pending' };
    writeEmbeddedState(opts.dataDir, state);
  }
  const legacyDemo = state.welcome === undefined;
  const server = opts.embeddedServer ? await startEmbeddedServer(opts, legacyDemo) : null;
  const settings = new SettingsStore(opts.dataDir, opts.log.child({ part: 'settings' }));
  const intents = new IntentQueue((intent) => services.events.emit('desktop.intent', intent));
  const emlFiles = new EmlFiles();
  const firstRun = new FirstRun(opts.dataDir, server, () => services);
  const ok = { ok: true } as const;
  const appHandlers: AppHandlers = {
    'settings.get': () => settings.all(),
    'settings.set': (change) => settings.set(change),
    'welcome.status': () => firstRun.status(),
    'welcome.lookAround': () => firstRun.lookAround(),
    'welcome.hostHousehold': (input) => firstRun.hostHousehold(input),
    'welcome.dismiss': () => {
      firstRun.dismiss();
      return ok;
    },
    'desktop.intents': () => intents.take(),
    'eml.read': ({ fileId }) => emlFiles.read(fileId),
  };
  const services: HearthServices = new HearthServices({
    dataDir: opts.dataDir,
    host: opts.host,
    version: opts.version,
    secrets: opts.secrets,
    log: opts.log,
    settings,
    appHandlers,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    ...(opts.undoHoldMs !== undefined ? { undoHoldMs: opts.undoHoldMs } : {}),
    ...(opts.discovery ? { discovery: opts.discovery } : {}),
    ...(server
      ? {
          serverQueue: {
            list: () => server.relay.list(),
            retry: (id?: string) => server.relay.retryNow(id),
            delete: (id: string, reason: string, bounce: boolean) => server.relay.delete(id, reason, { bounce }),
          },
        }
      : {}),
    ...(server ? { serverCertificate: () => server.certificateStatus(), serverRelayStatus: () => server.relay.status() } : {}),
    ...(server
      ? {
          serverAdmin: serverAdminHandlers(
            new HouseholdAdmin({
              dataDir: server.dataDir,
              store: server.store,
              resolver: createCheckResolver(opts.adminDnsResolver),
              relay: server.relay,
              certificate: { status: () => server.certificateStatus(), renewNow: () => server.certificateRenewer.renewNow() },
            }),
          ),
        }
      : {}),
    serverStatus: () => ({
      running: server !== null,
      domain: server ? (server.users.localDomains()[0] ?? null) : null,
      listeners: server ? server.listeners.map((l) => ({ protocol: l.name, host: l.host, port: l.port, reachableFromOutside: l.reachableFromOutside })) : [],
    }),
  });
  settings.onChange((all) => services.events.emit('settings.changed', all));

  if (server) {
    if (legacyDemo && server.listeners.some((l) => l.name === 'imaps') && server.demo?.created && server.demo.password && !state.demoAccountId) {
      const account = addLocalAccount(services, server, 'Demo (this computer)', server.demo.address, server.demo.password);
      writeEmbeddedState(opts.dataDir, { ...state, demoAccountId: account.id });
    } else {
      followServerPorts(services, server, [state.demoAccountId, state.householdAccountId]);
    }
  }

  services.start();
  return {
    services,
    server,
    settings,
    intents,
    emlFiles,
    firstRun,
    close: async () => {
      await services.close();
      await server?.close();
    },
  };
}
