// The first run of a new data folder: instead of always creating the demo mailbox, the renderer
// shows a welcome with three ways in — the user's own account (the account dialog), their own
// mailbox on the household server, or the demo mailbox to look around. Which one was taken, and
// the accounts Hearth set up on its embedded server, are kept in DATA/embedded.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Account } from '../shared/api.ts';
import type { HouseholdSetup, WelcomeStatus } from '../shared/desktop.ts';
import { HearthError } from '../shared/errors.ts';
import { atomicWriteFileSync } from './base/fs-durable.ts';
import type { HearthServices } from './client/hearth-services.ts';
import { ensureDemoMailbox, type RunningHouseholdServer } from './server/household-server.ts';
import { addUser, normaliseAddress } from './server/users/config.ts';

export const EMBEDDED_STATE_FILE = 'embedded.json';

export interface EmbeddedState {
  demoAccountId: string | null;
  /** The user's own mailbox on the household server, added by the welcome's "host mail" choice. */
  householdAccountId?: string | null;
  /** 'pending' from a new data folder until a welcome choice is made; absent in folders from before the welcome. */
  welcome?: 'pending' | 'done';
}

export function readEmbeddedState(dataDir: string): EmbeddedState {
  const file = path.join(dataDir, EMBEDDED_STATE_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as EmbeddedState) : { demoAccountId: null };
}

export function writeEmbeddedState(dataDir: string, state: EmbeddedState): void {
  atomicWriteFileSync(path.join(dataDir, EMBEDDED_STATE_FILE), JSON.stringify(state));
}

/** An account on this app's own household server: IMAPS in, submission out, trusting its certificate. */
export function addLocalAccount(services: HearthServices, server: RunningHouseholdServer, name: string, address: string, password: string): Account {
  const imaps = server.listeners.find((l) => l.name === 'imaps');
  const submission = server.listeners.find((l) => l.name === 'submission');
  if (!imaps) throw new HearthError('NOT_FOUND', 'The household server does not serve IMAP here');
  return services.addAccountUnchecked({
    name,
    email: address,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: imaps.port, tls: 'tls', user: address, password, auth: 'password', caCert: server.tls.cert },
    // Sending goes through the household server's submission port, like any phone in the house.
    ...(submission
      ? { outgoing: { host: '127.0.0.1', port: submission.port, tls: 'starttls' as const, user: address, password, caCert: server.tls.cert } }
      : {}),
  });
}

/** The server may have had to take other ports this time; keep its local accounts pointing at it. */
export function followServerPorts(services: HearthServices, server: RunningHouseholdServer, accountIds: (string | null | undefined)[]): void {
  const imaps = server.listeners.find((l) => l.name === 'imaps');
  const submission = server.listeners.find((l) => l.name === 'submission');
  for (const id of accountIds) {
    if (!id) continue;
    if (imaps) services.updateIncomingEndpoint(id, '127.0.0.1', imaps.port, server.tls.cert);
    if (submission) services.updateOutgoingEndpoint(id, '127.0.0.1', submission.port, server.tls.cert);
  }
}

export class FirstRun {
  private readonly dataDir: string;
  private readonly server: RunningHouseholdServer | null;
  private readonly services: () => HearthServices;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, server: RunningHouseholdServer | null, services: () => HearthServices) {
    this.dataDir = dataDir;
    this.server = server;
    this.services = services;
  }

  status(): WelcomeStatus {
    const pending = readEmbeddedState(this.dataDir).welcome === 'pending';
    return {
      show: pending && this.services().cache.accounts.list().length === 0,
      serverRunning: this.server !== null,
      domain: this.server ? (this.server.users.localDomains()[0] ?? null) : null,
    };
  }

  /** One choice at a time: a double click must not create two accounts. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.busy.then(job, job);
    this.busy = run.catch(() => {});
    return run;
  }

  private runningServer(): RunningHouseholdServer {
    if (!this.server) throw new HearthError('NOT_FOUND', 'The household server is not running in this app (it was started with --no-server)');
    return this.server;
  }

  private pendingState(): EmbeddedState {
    const state = readEmbeddedState(this.dataDir);
    if (state.welcome !== 'pending') throw new HearthError('INVALID_ARGUMENT', 'Hearth is already set up in this data folder');
    return state;
  }

  /** "Just look around": the demo mailbox with its welcome mail, as the first account. */
  lookAround(): Promise<{ accountId: string }> {
    return this.serial(async () => {
      const server = this.runningServer();
      const state = this.pendingState();
      const demo = await ensureDemoMailbox(server.dataDir, { store: server.store });
      await server.users.refresh();
      if (!demo.password) throw new HearthError('INVALID_ARGUMENT', `${demo.address} already exists on the household server`);
      const account = addLocalAccount(this.services(), server, 'Demo (this computer)', demo.address, demo.password);
      writeEmbeddedState(this.dataDir, { ...state, demoAccountId: account.id, welcome: 'done' });
      return { accountId: account.id };
    });
  }

  /** "Host mail for my household": the user's own mailbox, with the password they chose, as the first account. */
  hostHousehold(input: { name: string; mailbox: string; password: string }): Promise<HouseholdSetup> {
    return this.serial(async () => {
      const server = this.runningServer();
      const state = this.pendingState();
      const domain = server.users.localDomains()[0];
      if (!domain) throw new HearthError('NOT_FOUND', 'The household server has no mail domain');
      const address = normaliseAddress(`${input.mailbox}@${domain}`);
      await addUser(server.dataDir, address, input.password, { displayName: input.name });
      await server.users.refresh();
      await server.store.ensureUser(address);
      const account = addLocalAccount(this.services(), server, input.name, address, input.password);
      writeEmbeddedState(this.dataDir, { ...state, householdAccountId: account.id, welcome: 'done' });
      return { accountId: account.id, address, domain, listeners: server.listeners.map((l) => ({ protocol: l.name, host: l.host, port: l.port })) };
    });
  }

  /** The user added their own account from the welcome: nothing local to create. */
  dismiss(): void {
    const state = readEmbeddedState(this.dataDir);
    if (state.welcome === 'pending') writeEmbeddedState(this.dataDir, { ...state, welcome: 'done' });
  }
}
