// The whole app (startApp) in the test process: a web host's services, the embedded household
// server on ephemeral loopback ports, a file-key secret box, no log output.
import { startApp, type AppOptions, type RunningApp } from '../../src/main/app.ts';
import { FileKeySecretBox } from '../../src/main/base/secret-box.ts';
import { silentLogger } from '../../src/main/base/log.ts';

export const EPHEMERAL_SERVER_PORTS = { smtp: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0, submission: 0, submissions: 0, https: 0 };

export function startTestApp(dataDir: string, opts: Partial<AppOptions> = {}): Promise<RunningApp> {
  return startApp({
    dataDir,
    host: 'web',
    version: 'test',
    secrets: new FileKeySecretBox(dataDir),
    log: silentLogger,
    embeddedServer: true,
    serverPorts: EPHEMERAL_SERVER_PORTS,
    ...opts,
  });
}
