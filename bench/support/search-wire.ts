// Diagnosis for #14: the bench's queries sent to the browser host over its WebSocket from Node,
// without Chromium, each timed from request to answer, on a folder kept by
// `BENCH_SEARCH_KEEP=1 node bench/search.ts`:
//   node bench/support/search-wire.ts <kept>/hearth [rounds]     (work on a copy: the host writes)
// SEARCH_WIRE_PER_KIND=N asks only the first N of each kind; SEARCH_WIRE_GAP_MS=M waits between
// queries, as the page does while it renders. Beside the page's request-to-answer times, this
// tells main's part from the browser's (bench/README.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { startHostProcess } from '../../test/support/web-host-process.ts';
import { median, percentile } from './stats.ts';
import { searchQueries } from './search-queries.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: search-wire.ts <hearth data folder> [rounds]');
const rounds = Number(process.argv[3] ?? 1);
const perKind = Number(process.env.SEARCH_WIRE_PER_KIND ?? Infinity);
const gapMs = Number(process.env.SEARCH_WIRE_GAP_MS ?? 0);

const host = await startHostProcess(['--data', dataDir, '--port', '0', '--no-server', '--no-welcome']);
try {
  const secret = readFileSync(path.join(dataDir, 'web-host.secret'), 'utf8').trim();
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api`, ['hearth.v1', `hearth.token.${secret}`], { headers: { origin: host.origin } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waiting = new Map<number, (at: number) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { id?: unknown };
    if (typeof msg.id === 'number') waiting.get(msg.id)?.(performance.now());
  });
  let nextId = 1;
  const search = (query: string) =>
    new Promise<number>((resolve) => {
      const id = nextId++;
      const sent = performance.now();
      waiting.set(id, (at) => resolve(at - sent));
      ws.send(JSON.stringify({ id, method: 'messages.search', args: { query, limit: 50 } }));
    });
  await search('warm');
  for (let r = 0; r < rounds; r++) {
    const all: number[] = [];
    for (const [kind, list] of Object.entries(searchQueries())) {
      const times: number[] = [];
      for (const q of list.slice(0, perKind)) {
        times.push(await search(q.hearth));
        if (gapMs) await new Promise((done) => setTimeout(done, gapMs));
      }
      all.push(...times);
      const sorted = times.sort((a, b) => a - b);
      console.log(`${kind.padEnd(14)} ${median(sorted).toFixed(1).padStart(6)} ${percentile(sorted, 0.95).toFixed(1).padStart(6)} ms`);
    }
    const sorted = all.sort((a, b) => a - b);
    console.log(`${'all'.padEnd(14)} ${median(sorted).toFixed(1).padStart(6)} ${percentile(sorted, 0.95).toFixed(1).padStart(6)} ms`);
  }
  ws.close();
} finally {
  await host.stop();
}
