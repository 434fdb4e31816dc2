// IMAP client sync benchmark, one run, loopback, Dovecot from ../shared/peers:
//   - first sync of a 10,000-message INBOX (../shared/bench/gen-corpus.py): Hearth until every
//     header is in its cache, and until every body is; raw imapflow fetching the same data; mbsync
//     pulling the same mailbox into a Maildir;
//   - resync with nothing changed (10 folders generated, plus those Dovecot creates): Hearth vs raw
//     imapflow SELECTing (QRESYNC) the same folders, alternating, median of 10 rounds each.
//
//   node bench/imap-sync.ts          BENCH_SYNC_MESSAGES=10000
//
// Prints times and ratios (Hearth / other; < 1: Hearth faster), and RATIO lines for bench/run.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { plainImapflow } from './support/plain-imapflow.ts';
import { dovecot } from '../test/support/peers.ts';
import { benchDovecotUser } from './support/dovecot-user.ts';
import { benchServices } from './support/hearth-services.ts';

const N = Number(process.env.BENCH_SYNC_MESSAGES ?? 10_000);
const FOLDERS = 10;
const RESYNC_ROUNDS = 10;
const GEN = path.resolve(import.meta.dirname, '../../shared/bench/gen-corpus.py');

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;
const since = (t: number) => performance.now() - t;
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

async function main(): Promise<void> {
  const { user, password, maildir } = await benchDovecotUser('syncbench');
  console.log(`generating ${N} messages into INBOX and ${FOLDERS - 1} folders of 200…`);
  mkdirSync(maildir, { recursive: true });
  execFileSync('/usr/bin/python3', [GEN, maildir, String(N), '11'], { stdio: 'ignore' });
  for (let i = 1; i < FOLDERS; i++) execFileSync('/usr/bin/python3', [GEN, path.join(maildir, `.Folder${i}`), '200', String(100 + i)], { stdio: 'ignore' });
  writeFileSync(path.join(maildir, 'subscriptions'), Array.from({ length: FOLDERS - 1 }, (_, i) => `Folder${i + 1}`).join('\n') + '\n');
  execFileSync('chown', ['-R', 'mail:mail', path.dirname(maildir)]);

  const connect = async () => {
    const c = plainImapflow(dovecot.imapPort, user, password, { qresync: true });
    await c.connect();
    return c;
  };
  // Warm Dovecot's indexes once, so every contender meets the same warm server.
  {
    const c = await connect();
    for (const f of ['INBOX', ...Array.from({ length: FOLDERS - 1 }, (_, i) => `Folder${i + 1}`)]) {
      const lock = await c.getMailboxLock(f);
      for await (const _ of c.fetch('1:*', { flags: true, envelope: true, bodyStructure: true })) void _;
      lock.release();
    }
    await c.logout();
  }

  // --- Hearth
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-syncbench-'));
  // The corpus spans two years: keep all of it offline so "all bodies" means all of them.
  const services = benchServices(dataDir, { offlineWindowMs: 10 * 365 * 86_400_000 });
  const account = await services.addAccount({
    name: 'Bench',
    email: `${user}@example.test`,
    incoming: { protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, tls: 'plain', user, password, auth: 'password' },
  });
  // INBOX header time from its first header FETCH (connected, folder selected) to all of it in the
  // cache: the same span the raw imapflow run measures.
  // Its CPU time too (this process: Hearth's main and its SQLite): on a busy machine the wall time
  // of both contenders also holds their waits for a core.
  let inboxHeaders = 0;
  let inboxStart = 0;
  let inboxCpu0 = process.cpuUsage();
  let inboxCpu = 0;
  services.events.subscribe((event, payload) => {
    const p = payload as { phase?: string; mailbox?: string | null; done?: number };
    if (event !== 'sync.progress' || p.mailbox !== 'INBOX') return;
    if (p.phase === 'headers' && p.done === 0 && !inboxStart) {
      inboxStart = performance.now();
      inboxCpu0 = process.cpuUsage();
    }
    if (p.phase === 'folders' && !inboxHeaders) {
      inboxHeaders = performance.now() - inboxStart;
      inboxCpu = cpuMs(inboxCpu0);
    }
  });
  let t = performance.now();
  services.start(); // starts the account's first sync
  await services.account(account.id).sync();
  const allHeaders = since(t);
  const hearthHeaders = inboxHeaders;
  await services.account(account.id).bodiesDone();
  const hearthFull = since(t);
  // The search index catches up with the bodies in the background; the resync below is timed on an idle app.
  await services.bodyIndexer.idle();
  const inbox = services.cache.mailboxes.list(account.id).find((m) => m.specialUse === 'inbox')!;
  const cached = services.cache.messages.page(inbox.id, 0, 1).total;
  console.log(
    `Hearth: ${cached} messages; INBOX headers in ${hearthHeaders.toFixed(0)} ms (CPU ${inboxCpu.toFixed(0)} ms; all ${FOLDERS} folders: ${allHeaders.toFixed(0)} ms), all bodies in ${hearthFull.toFixed(0)} ms`,
  );
  // Resync with nothing changed, alternating with a raw imapflow client that SELECTs (QRESYNC) the
  // same folders Hearth syncs (every selectable one the server lists), RESYNC_ROUNDS times each:
  // the medians are compared, so a busy moment of the machine hits both alike.
  const r0 = await connect();
  const folders = (await r0.list()).filter((f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent')).map((f) => f.path);
  const states: { path: string; uidValidity: bigint; modseq: bigint }[] = [];
  for (const f of folders) {
    const mb = await r0.mailboxOpen(f, { readOnly: true });
    states.push({ path: f, uidValidity: BigInt(mb.uidValidity), modseq: BigInt(mb.highestModseq ?? 0) });
  }
  const hearthRounds: number[] = [];
  const rawRounds: number[] = [];
  for (let i = 0; i < RESYNC_ROUNDS; i++) {
    t = performance.now();
    await services.account(account.id).sync();
    hearthRounds.push(since(t));
    t = performance.now();
    for (const s of states) await r0.mailboxOpen(s.path, { readOnly: true, uidValidity: s.uidValidity, changedSince: s.modseq });
    rawRounds.push(since(t));
  }
  await r0.logout();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const hearthResync = median(hearthRounds);
  const rawResync = median(rawRounds);
  console.log(
    `resync of ${folders.length} folders with nothing changed, median of ${RESYNC_ROUNDS} alternating rounds: Hearth ${hearthResync.toFixed(1)} ms, ` +
      `imapflow SELECT (QRESYNC) ${rawResync.toFixed(1)} ms`,
  );
  await services.close();

  // --- raw imapflow: the same header data (+ the first 2 KB of part 1 for snippets), then every body
  const c = await connect();
  t = performance.now();
  const rawCpu0 = process.cpuUsage();
  let lock = await c.getMailboxLock('INBOX', { readOnly: true });
  let count = 0;
  for await (const _ of c.fetch('1:*', {
    uid: true,
    flags: true,
    envelope: true,
    size: true,
    bodyStructure: true,
    internalDate: true,
    headers: ['references'],
  }))
    count++;
  for await (const _ of c.fetch('1:*', { uid: true, bodyParts: [{ key: '1', start: 0, maxLength: 2048 }] })) void _;
  const rawHeaders = since(t);
  const rawCpu = cpuMs(rawCpu0);
  let bytes = 0;
  for await (const m of c.fetch('1:*', { uid: true, source: true })) bytes += m.source?.length ?? 0;
  const rawFull = since(t);
  lock.release();
  console.log(
    `imapflow: ${count} messages; headers in ${rawHeaders.toFixed(0)} ms (CPU ${rawCpu.toFixed(0)} ms), all bodies (${(bytes / 1048576).toFixed(0)} MiB) in ${rawFull.toFixed(0)} ms`,
  );
  lock = await c.getMailboxLock('INBOX');
  lock.release();
  await c.logout();

  // --- mbsync pulling the same mailbox
  const mbDir = mkdtempSync(path.join(tmpdir(), 'hearth-mbsync-'));
  mkdirSync(path.join(mbDir, 'mail'));
  const rc = path.join(mbDir, 'mbsyncrc');
  writeFileSync(
    rc,
    [
      'IMAPAccount bench',
      'Host 127.0.0.1',
      `Port ${dovecot.imapPort}`,
      `User ${user}`,
      `Pass ${password}`,
      'SSLType None',
      'AuthMechs LOGIN',
      '',
      'IMAPStore remote',
      'Account bench',
      '',
      'MaildirStore local',
      `Path ${path.join(mbDir, 'mail')}/`,
      `Inbox ${path.join(mbDir, 'mail', 'INBOX')}`,
      '',
      'Channel bench',
      'Far :remote:',
      'Near :local:',
      'Patterns INBOX',
      'Create Near',
      'Sync Pull',
      'SyncState *',
      '',
    ].join('\n'),
  );
  t = performance.now();
  const r = spawnSync('mbsync', ['-c', rc, '-q', 'bench'], { encoding: 'utf8' });
  const mbsyncFull = since(t);
  const pulled = readdirSync(path.join(mbDir, 'mail', 'INBOX', 'cur')).length + readdirSync(path.join(mbDir, 'mail', 'INBOX', 'new')).length;
  if (r.status !== 0) console.log(`mbsync exited ${r.status}: ${r.stderr}`);
  console.log(`mbsync: ${pulled} messages in ${mbsyncFull.toFixed(0)} ms`);
  rmSync(mbDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });

  const headerRatio = hearthHeaders / rawHeaders;
  const fullRatio = hearthFull / mbsyncFull;
  console.log('');
  console.log(`Hearth headers / imapflow headers: ${headerRatio.toFixed(2)}x (aim <= 1.5x; CPU ${(inboxCpu / rawCpu).toFixed(2)}x)`);
  console.log(`Hearth full sync / mbsync:          ${fullRatio.toFixed(2)}x (aim < 1.0x)`);
  console.log(`Hearth full sync / imapflow full:   ${(hearthFull / rawFull).toFixed(2)}x`);
  console.log(`Hearth resync / imapflow QRESYNC:   ${(hearthResync / rawResync).toFixed(2)}x (${hearthResync.toFixed(1)} ms vs ${rawResync.toFixed(1)} ms)`);
  console.log(`RATIO imap-sync.headers_vs_imapflow ${headerRatio.toFixed(2)}`);
  console.log(`RATIO imap-sync.headers_cpu_vs_imapflow ${(inboxCpu / rawCpu).toFixed(2)}`);
  console.log(`RATIO imap-sync.full_vs_mbsync ${fullRatio.toFixed(2)}`);
  console.log(`RATIO imap-sync.resync_vs_imapflow ${(hearthResync / rawResync).toFixed(2)}`);
  void ms;
}

await main();
process.exit(0);
