// `npm run web`: runs Hearth's services in plain Node and serves the app to a browser.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createLogger } from '../base/log.ts';
import { defaultDataDir, projectRoot } from '../base/paths.ts';
import { FileKeySecretBox } from '../base/secret-box.ts';
import { startApp } from '../app.ts';
import { startWebHost } from './web-host.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    port: { type: 'string', default: '5780' },
    'no-server': { type: 'boolean', default: false },
    // The embedded server takes free ports instead of its standard ones (tests, several instances).
    'ephemeral-server-ports': { type: 'boolean', default: false },
    // Seconds during which a sent message can be pulled back (default 10).
    'undo-seconds': { type: 'string' },
  },
});

const root = projectRoot(import.meta.filename);
const dataDir = path.resolve(values.data ?? defaultDataDir());
const log = createLogger({ base: { host: 'web' } });
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

const app = await startApp({
  dataDir,
  host: 'web',
  version,
  secrets: new FileKeySecretBox(dataDir),
  log,
  embeddedServer: !values['no-server'],
  ...(values['undo-seconds'] !== undefined ? { undoHoldMs: Number(values['undo-seconds']) * 1000 } : {}),
  ...(values['ephemeral-server-ports'] ? { serverPorts: { smtp: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0, submission: 0, submissions: 0 } } : {}),
});
if (app.server) {
  for (const l of app.server.listeners) process.stdout.write(`household server: ${l.name} on ${l.host}:${l.port}\n`);
  if (app.server.demo?.created) process.stdout.write(`demo mailbox: ${app.server.demo.address} (added as your first account)\n`);
}
const host = await startWebHost({
  dispatch: app.services.dispatch,
  events: app.services.events,
  log,
  staticDir: path.join(root, 'out/renderer'),
  port: Number(values.port),
});

process.stdout.write(`Hearth is running. Open this address in a browser (it carries this launch's secret):\n\n  ${host.url}\n\nData folder: ${dataDir}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await host.close();
  await app.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
