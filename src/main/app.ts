// Everything the app runs in main, independent of the host: the services and, on a fresh data
// folder, the embedded household server with a demo mailbox added as the first account.
import type { Logger } from './log.ts';
import type { SecretBox } from './services/secret-box.ts';
import { HearthServices } from './services/hearth-services.ts';

export interface AppOptions {
  dataDir: string;
  host: 'electron' | 'web';
  version: string;
  secrets: SecretBox;
  log: Logger;
  /** Start the household server on loopback (demo mailbox on first run). */
  embeddedServer: boolean;
}

export interface RunningApp {
  services: HearthServices;
  close(): Promise<void>;
}

export async function startApp(opts: AppOptions): Promise<RunningApp> {
  const services = new HearthServices({ dataDir: opts.dataDir, host: opts.host, version: opts.version, secrets: opts.secrets, log: opts.log });
  services.start();
  return {
    services,
    close: async () => {
      await services.close();
    },
  };
}
