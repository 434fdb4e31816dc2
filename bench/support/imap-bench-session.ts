// One client session of bench/imap-server.ts, in its own worker thread: a household's phones and
// mail programs each parse on their own CPU, so the bench's clients must not share one event loop
// (one imapflow parsing four sessions' responses in turn caps both servers at its own speed).
// The main thread says which phase to run; the worker answers with the number of messages handled.
import { parentPort, workerData } from 'node:worker_threads';
import type { ImapFlow } from 'imapflow';
import { plainImapflow } from './plain-imapflow.ts';

export interface SessionData {
  port: number;
  user: string;
  pass: string;
  /** This session's index: its Bench<i> folder and its slice of INBOX. */
  index: number;
  /** The messages this session appends. */
  appends: Buffer[];
  /** How many INBOX messages each session's slice holds. */
  slice: number;
  /** ENABLE QRESYNC after login (imapflow's `qresync` option). */
  qresync: boolean;
}

export type Phase = 'append' | 'fetchEnvelope' | 'fetchBody' | 'store' | 'expunge';

const data = workerData as SessionData;
const i = data.index;
const range = `${i * data.slice + 1}:${(i + 1) * data.slice}`;
let c: ImapFlow;

const phases: Record<Phase, () => Promise<number>> = {
  append: async () => {
    for (const m of data.appends) await c.append(`Bench${i}`, Buffer.from(m));
    return data.appends.length;
  },
  fetchEnvelope: async () => {
    await c.mailboxOpen('INBOX');
    return (await c.fetchAll('1:*', { uid: true, flags: true, envelope: true, size: true })).length;
  },
  fetchBody: async () => {
    let n = 0;
    for await (const m of c.fetch(range, { uid: true, source: true })) if (m.source) n++;
    return n;
  },
  store: async () => {
    await c.messageFlagsAdd(range, ['$Bench']);
    await c.messageFlagsRemove(range, ['$Bench']);
    return data.slice * 2;
  },
  expunge: async () => {
    await c.mailboxOpen(`Bench${i}`);
    await c.messageDelete('1:*');
    return data.appends.length;
  },
};

/** The worker lives for the whole bench (its code stays compiled); each round logs in anew. */
export type SessionRequest = { connect: true } | { phase: Phase } | { logout: true };

parentPort!.on('message', async (msg: SessionRequest) => {
  if ('connect' in msg) {
    c = plainImapflow(data.port, data.user, data.pass, { qresync: data.qresync });
    await c.connect();
    return parentPort!.postMessage({ count: 0 });
  }
  if ('logout' in msg) {
    await c.logout();
    return parentPort!.postMessage({ count: 0 });
  }
  parentPort!.postMessage({ count: await phases[msg.phase]() });
});
