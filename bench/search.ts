// Search benchmark, one run, loopback, Dovecot from ../shared/peers, side by side with notmuch:
//   - a generated mailbox (bench/corpus/generate.ts, several languages, threads, HTML, attachments)
//     in Dovecot; Hearth's first sync of it (headers, offline bodies, the search index), sampling
//     main's memory (this process) as it goes;
//   - index build: Hearth rebuilding its index from the local bodies vs `notmuch new` on a copy of
//     the same Maildir;
//   - 100 queries of each kind (one word, two words, prefix, phrase, operator-only, mixed) through
//     Hearth's API (messages.search, first page of 50) and notmuch's CLI (`notmuch search
//     --output=messages --limit=50`; its process start is part of each query, as for any CLI user);
//   - then in Chromium against the browser host on the same data folder (support/search-browser.ts):
//     the mirror filled, first paint of the cached inbox after a cold start, the same queries end
//     to end (typed and Enter to results painted), the unified inbox scrolled to its end and the
//     renderer's memory. BENCH_SEARCH_BROWSER=0 leaves this half out.
//
//   node bench/search.ts [--messages N]       (or BENCH_SEARCH_MESSAGES; default 100,000)
//
// Prints a table (median and p95 per kind, ratios Hearth / notmuch: < 1 is Hearth faster) and
// RATIO lines for bench/run.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dovecot } from '../test/support/peers.ts';
import { benchDovecotUser } from './support/dovecot-user.ts';
import { benchServices } from './support/hearth-services.ts';
import { generateCorpusApart } from './corpus/generate.ts';
import { QUERIES, searchQueries as queries, type Kind, type Query } from './support/search-queries.ts';
import type { BrowserFigures } from './support/search-browser.ts';
import { percentile } from './support/stats.ts';
import { YOUNG_GENERATION_FLAG, youngGenerationCapped } from '../src/main/base/small-heap.ts';

// Main's services run in this process, and their memory is one of the figures: started as `npm
// start` starts main (bench/run.ts does), or this process runs itself again so.
if (!youngGenerationCapped()) {
  const again = spawnSync(process.execPath, [YOUNG_GENERATION_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}

const flag = process.argv.indexOf('--messages');
const N = Number(flag > 0 ? process.argv[flag + 1] : (process.env.BENCH_SEARCH_MESSAGES ?? 100_000));
const BROWSER = process.env.BENCH_SEARCH_BROWSER !== '0';
const PAGE = 50;

const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const { user, password, maildir } = await benchDovecotUser('searchbench', { keep: process.env.BENCH_SEARCH_KEEP === '1' });
  const work = mkdtempSync(path.join(tmpdir(), 'hearth-searchbench-'));
  const corpus = path.join(work, 'corpus');
  let t = performance.now();
  const stats = generateCorpusApart({ dir: corpus, count: N, seed: 42 });
  console.log(`corpus: ${stats.messages} messages, ${mib(stats.bytes)}, generated in ${(performance.now() - t).toFixed(0)} ms`);
  cpSync(corpus, maildir, { recursive: true });
  execFileSync('chown', ['-R', 'mail:mail', path.dirname(maildir)]);

  // --- Hearth: first sync (headers, then every body offline, then the index), memory sampled.
  const dataDir = path.join(work, 'hearth');
  // Every body offline (the corpus spans two years), so the index is built from local copies.
  const services = benchServices(dataDir, { offlineWindowMs: 10 * 365 * 86_400_000 });
  // Main's RSS before the sync (its services started), told apart from the peak.
  const rssBeforeSync = process.memoryUsage().rss;
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 50);
  t = performance.now();
  const account = await services.addAccount({
    name: 'Bench',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password, auth: 'password' },
  });
  services.start();
  await services.account(account.id).sync();
  const headersMs = performance.now() - t;
  await services.account(account.id).bodiesDone();
  const bodiesMs = performance.now() - t;
  await services.bodyIndexer.idle();
  const syncedMs = performance.now() - t;
  sample();
  clearInterval(sampler);
  const status = services.cache.search.status();
  console.log(
    `Hearth first sync: headers ${headersMs.toFixed(0)} ms, bodies ${bodiesMs.toFixed(0)} ms, indexed ${syncedMs.toFixed(0)} ms; ` +
      `${status.documents} documents, ${status.bodiesIndexed} bodies; main peak RSS ${mib(peakRss)}, peak JS heap ${mib(peakHeap)}`,
  );

  // --- Index build from local bodies: Hearth's rebuild vs notmuch new.
  t = performance.now();
  services.cache.search.clear();
  await services.bodyIndexer.idle();
  const hearthBuild = performance.now() - t;
  const nm = path.join(work, 'notmuch');
  mkdirSync(nm);
  const config = path.join(work, 'notmuch-config');
  writeFileSync(
    config,
    `[database]\npath=${nm}\nmail_root=${corpus}\n[new]\ntags=unread;inbox\n[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=true\n[user]\nname=Bench\nprimary_email=bench@example.test\n`,
  );
  const env = { ...process.env, NOTMUCH_CONFIG: config };
  t = performance.now();
  execFileSync('notmuch', ['new', '--quiet'], { env, stdio: 'pipe' });
  const notmuchBuild = performance.now() - t;
  const notmuchCount = execFileSync('notmuch', ['count', '*'], { env, encoding: 'utf8' }).trim();
  console.log(`index build: Hearth ${hearthBuild.toFixed(0)} ms, notmuch new ${notmuchBuild.toFixed(0)} ms (${notmuchCount} messages)`);

  // --- Queries.
  const rows: { kind: Kind; h: number[]; n: number[]; hHits: number; nHits: number }[] = [];
  for (const [kind, list] of Object.entries(queries()) as [Kind, Query[]][]) {
    const h: number[] = [];
    const n: number[] = [];
    let hHits = 0;
    let nHits = 0;
    for (const q of list) {
      let s = performance.now();
      const r = await services.dispatch('messages.search', { query: q.hearth, limit: PAGE });
      h.push(performance.now() - s);
      if (!r.ok) throw new Error(`Hearth refused ${q.hearth}: ${JSON.stringify(r)}`);
      hHits += (r.result as unknown[]).length;
      s = performance.now();
      const out = spawnSync('notmuch', ['search', '--output=messages', `--limit=${PAGE}`, q.notmuch], { env, encoding: 'utf8' });
      n.push(performance.now() - s);
      nHits += out.stdout.split('\n').filter(Boolean).length;
    }
    rows.push({ kind, h: h.sort((a, b) => a - b), n: n.sort((a, b) => a - b), hHits, nHits });
  }
  await services.close();

  // --- The same in Chromium, against the browser host on this data folder.
  let ui: BrowserFigures | null = null;
  if (BROWSER) {
    t = performance.now();
    const all = queries();
    // Loaded only now: the Chromium driver is no part of main, whose memory the sync above sampled.
    const { searchInChromium } = await import('./support/search-browser.ts');
    ui = await searchInChromium({
      dataDir,
      messages: N,
      queries: Object.fromEntries(Object.entries(all).map(([k, list]) => [k, list.map((q) => q.hearth)])),
    });
    console.log(`Chromium half in ${((performance.now() - t) / 1000).toFixed(0)} s; mirror of ${N} messages filled in ${ui.mirrorMs.toFixed(0)} ms`);
  }
  // BENCH_SEARCH_KEEP=1 keeps the folder (Hearth's data in hearth/) for bench/support/ui-profile.ts.
  if (process.env.BENCH_SEARCH_KEEP === '1') console.log(`kept: ${work}`);
  else rmSync(work, { recursive: true, force: true });

  console.log('');
  console.log(`search latency at ${N} messages, ms (${QUERIES} queries per kind, first page of ${PAGE}); ratio = Hearth / notmuch`);
  console.log('kind            Hearth med  p95   notmuch med  p95   ratio med  p95   hits/query H  N');
  for (const r of rows) {
    const [hm, hp, nmed, np] = [percentile(r.h, 0.5), percentile(r.h, 0.95), percentile(r.n, 0.5), percentile(r.n, 0.95)];
    console.log(
      `${r.kind.padEnd(15)} ${hm.toFixed(2).padStart(10)} ${hp.toFixed(2).padStart(5)} ${nmed.toFixed(2).padStart(12)} ${np.toFixed(2).padStart(5)} ` +
        `${(hm / nmed).toFixed(2).padStart(9)} ${(hp / np).toFixed(2).padStart(5)} ${(r.hHits / QUERIES).toFixed(0).padStart(14)} ${(r.nHits / QUERIES).toFixed(0).padStart(2)}`,
    );
  }
  if (ui) {
    console.log('');
    console.log(`end to end in Chromium at ${N} messages, ms (typed + Enter to results painted); aim p95 < 50 ms and <= notmuch's`);
    console.log('kind            Chromium med  p95   notmuch p95   ratio p95   rows/query');
    for (const r of rows) {
      const e = [...ui.search[r.kind]!].sort((a, b) => a - b);
      const [em, ep, np] = [percentile(e, 0.5), percentile(e, 0.95), percentile(r.n, 0.95)];
      console.log(
        `${r.kind.padEnd(15)} ${em.toFixed(1).padStart(12)} ${ep.toFixed(1).padStart(5)} ${np.toFixed(1).padStart(13)} ${(ep / np).toFixed(2).padStart(11)} ${(ui.hits[r.kind]! / QUERIES).toFixed(0).padStart(12)}` +
          `  ${ep < 50 && ep <= np ? 'meets aim' : 'misses aim'}`,
      );
    }
  }
  console.log('');
  console.log(`index build Hearth / notmuch: ${(hearthBuild / notmuchBuild).toFixed(2)}x (${hearthBuild.toFixed(0)} ms vs ${notmuchBuild.toFixed(0)} ms)`);
  console.log(`main during first sync: peak RSS ${mib(peakRss)} (aim < 300 MiB; ${mib(rssBeforeSync)} before the sync began), peak JS heap ${mib(peakHeap)}`);
  if (ui) {
    console.log(
      `first paint of the cached inbox after a cold start: ${ui.firstPaintMs.toFixed(0)} ms (aim < 1000 ms; host started in ${ui.hostStartMs.toFixed(0)} ms before)`,
    );
    console.log(
      `renderer after scrolling All Inboxes to the end (${ui.scrollMs.toFixed(0)} ms): JS heap ${mib(ui.heapUsedBytes)}, ${mib(ui.heapAfterGcBytes)} after GC; ` +
        `process RSS ${mib(ui.rendererRssBytes)} (aim < 300 MiB)`,
    );
    console.log(`main (browser host) at the end: RSS ${mib(ui.hostRssBytes)}, peak ${mib(ui.hostPeakRssBytes)}`);
  }
  console.log(`RATIO search.index_build_vs_notmuch ${(hearthBuild / notmuchBuild).toFixed(2)}`);
  for (const r of rows)
    console.log(`RATIO search.${r.kind.replace(/[^a-z]+/g, '_')}_p95_vs_notmuch ${(percentile(r.h, 0.95) / percentile(r.n, 0.95)).toFixed(2)}`);
  if (ui) {
    for (const r of rows) {
      const e = [...ui.search[r.kind]!].sort((a, b) => a - b);
      console.log(`RATIO search.e2e_${r.kind.replace(/[^a-z]+/g, '_')}_p95_vs_notmuch ${(percentile(e, 0.95) / percentile(r.n, 0.95)).toFixed(2)}`);
    }
    const worst = Math.max(
      ...rows.map((r) =>
        percentile(
          [...ui.search[r.kind]!].sort((a, b) => a - b),
          0.95,
        ),
      ),
    );
    console.log(`RATIO search.e2e_worst_p95_vs_50ms_aim ${(worst / 50).toFixed(2)}`);
    console.log(`RATIO search.first_paint_vs_1s_aim ${(ui.firstPaintMs / 1000).toFixed(2)}`);
    console.log(`RATIO search.renderer_rss_vs_300mib_aim ${(ui.rendererRssBytes / (300 * 1048576)).toFixed(2)}`);
  }
  console.log(`RATIO search.main_peak_rss_mib_first_sync ${(peakRss / 1048576).toFixed(0)}`);
}

await main();
process.exit(0);
