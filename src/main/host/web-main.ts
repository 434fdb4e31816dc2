// `npm run web`: runs Hearth's services in plain Node and serves the app to a browser.
// The terminal gets a few lines for a person (the address to open, the data folder, the log file);
// the JSON log goes to DATA/logs/hearth.log (and to standard error with --verbose).
import { parseArgs } from 'node:util';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createFileLogger } from '../base/log-file.ts';
import { defaultDataDir, projectRoot } from '../base/paths.ts';
import { FileKeySecretBox } from '../base/secret-box.ts';
import { startApp } from '../app.ts';
import { createResolver } from '../server/relay/router.ts';
import { startWebHost } from './web-host.ts';
import { webHostSecret } from './web-secret.ts';
import { stopWithin, whenStopSignal } from '../base/graceful-stop.ts';
import { parseLaunchArgs } from '../desktop/launch-args.ts';
import { parseMailto } from '../../shared/mailto.ts';
import { favourSmallHeap } from '../base/small-heap.ts';

// Before any work: main's heap stays near what is live (see small-heap.ts).
favourSmallHeap();

// Positional arguments, as for the desktop app: mailto: links open compose, .eml files get a reader page.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string' },
    port: { type: 'string', default: '5780' },
    'no-server': { type: 'boolean', default: false },
    // The embedded server takes free ports instead of its standard ones (tests, several instances).
    'ephemeral-server-ports': { type: 'boolean', default: false },
    // Seconds during which a sent message can be pulled back (default 10).
    'undo-seconds': { type: 'string' },
    // The DNS server the admin screen's live check and the relay's MX lookups ask (HOST:PORT; default the system's).
    'dns-resolver': { type: 'string' },
    // The port remote MX hosts are reached on (default 25; tests point it at a loopback peer).
    'relay-port': { type: 'string' },
    // The JSON log also on standard error.
    verbose: { type: 'boolean', default: false },
    // A new data folder gets the demo mailbox at once instead of the first-run welcome.
    'no-welcome': { type: 'boolean', default: false },
  },
});

const root = projectRoot(import.meta.filename);
const dataDir = path.resolve(values.data ?? defaultDataDir());
const logging = createFileLogger({ dataDir, verbose: values.verbose, base: { host: 'web' } });
const log = logging.log;
// Listen for SIGTERM/SIGINT from the start: a signal during start-up stops the app once it is up.
const stopSignal = whenStopSignal(log);
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

const app = await startApp({
  dataDir,
  host: 'web',
  version,
  secrets: new FileKeySecretBox(dataDir),
  log,
  logFile: logging.file,
  embeddedServer: !values['no-server'],
  welcome: !values['no-welcome'],
  ...(values['dns-resolver'] ? { adminDnsResolver: values['dns-resolver'] } : {}),
  ...(values['dns-resolver'] || values['relay-port']
    ? {
        serverRelay: {
          ...(values['dns-resolver'] ? { resolver: createResolver(values['dns-resolver']) } : {}),
          ...(values['relay-port'] ? { smtpPort: Number(values['relay-port']) } : {}),
        },
      }
    : {}),
  ...(values['undo-seconds'] !== undefined ? { undoHoldMs: Number(values['undo-seconds']) * 1000 } : {}),
  ...(values['ephemeral-server-ports'] ? { serverPorts: { smtp: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0, submission: 0, submissions: 0, https: 0 } } : {}),
});
const host = await startWebHost({
  dispatch: app.services.dispatch,
  events: app.services.events,
  log,
  staticDir: path.join(root, 'out/renderer'),
  port: Number(values.port),
  // One secret per data folder: an open page reconnects after a restart on the same folder and port.
  secret: webHostSecret(dataDir),
}).catch(async (e: NodeJS.ErrnoException) => {
  await app.close();
  if (e.code !== 'EADDRINUSE') throw e;
  process.stderr.write(`Port ${values.port} is taken (another Hearth?): pass --port N, or --port 0 for any free port.\n`);
  process.exit(1);
});

const lines = [`Hearth is running. Open this address in a browser (it carries this data folder's secret):`, '', `  ${host.url}`, ''];
if (app.server) {
  const first = app.server.listeners[0];
  const ports = app.server.listeners.map((l) => `${l.name} ${l.port}`).join(', ');
  if (first) lines.push(`Household server on ${first.host}: ${ports}`);
  if (app.server.demo?.created) lines.push(`demo mailbox: ${app.server.demo.address} (added as your first account)`);
  else if (app.firstRun.status().show) lines.push('First run: the app asks how to start (your own account, a household mailbox, or a demo).');
}
const launch = parseLaunchArgs(positionals, process.cwd());
for (const link of launch.mailto) {
  try {
    app.intents.push({ kind: 'compose', draft: parseMailto(link) });
  } catch (e) {
    lines.push(`Not opened: ${(e as Error).message}`);
  }
}
for (const file of launch.emlFiles) {
  const page = new URL(host.url);
  page.search = `?eml=${app.emlFiles.register(file)}`;
  lines.push(`${path.basename(file)}: ${page.href}`);
}
lines.push(`Data folder: ${dataDir}`, `Log file: ${logging.file}`);
process.stdout.write(lines.join('\n') + '\n');
log.info('web host started', { url: `http://${new URL(host.url).host}/`, dataDir });

await stopSignal;
const clean = await stopWithin(async () => {
  await host.close();
  await app.close();
}, log);
logging.close();
process.exit(clean ? 0 : 1);
