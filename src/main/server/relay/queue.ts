// The on-disk outgoing queue. Each message is two files in DATA/queue: <id>.eml (the bytes the
// client sent, written once) and <id>.json (envelope and per-recipient state, rewritten on every
// change). The .json is the commit point: body written + fsynced + renamed, then the .json
// written + fsynced + renamed, then the directory fsynced, and only then the caller may say 250.
// A file that does not check out on load (bad JSON, missing/short/changed body) is moved to
// queue/corrupt/ and logged: never delivered, never silently deleted.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { Logger } from '../../base/log.ts';
import { silentLogger } from '../../base/log.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { QueueEnvelope } from './types.ts';

const recipientSchema = z.object({
  address: z.string().min(1),
  state: z.enum(['pending', 'deferred', 'delivered', 'failed']),
  attempts: z.number().int().nonnegative(),
  lastReply: z.string().optional(),
  status: z.string().optional(),
  lastAttemptAt: z.number().optional(),
  nextAttemptAt: z.number(),
  remoteMta: z.string().optional(),
  reported: z.boolean().optional(),
});

const envelopeSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9-]+$/),
  from: z.string(),
  recipients: z.array(recipientSchema).min(1),
  createdAt: z.number(),
  prepend: z.string(),
  bodySize: z.number().int().nonnegative(),
  bodySha256: z.string().regex(/^[0-9a-f]{64}$/),
  submittedBy: z.string().optional(),
  clientAddress: z.string().optional(),
  delayWarned: z.boolean().optional(),
  isDsn: z.boolean().optional(),
});

export interface WrittenBody {
  id: string;
  size: number;
  sha256: string;
  /** Path of the fsynced temporary body file (not yet in the queue). */
  tmpPath: string;
}

export function newQueueId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function writeFileDurable(p: string, data: string | Buffer): Promise<void> {
  const fh = await open(p, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class MessageQueue {
  readonly dir: string;
  readonly corruptDir: string;
  private readonly tmpDir: string;
  private readonly log: Logger;

  constructor(dataDir: string, log: Logger = silentLogger) {
    this.dir = path.join(dataDir, 'queue');
    this.tmpDir = path.join(this.dir, 'tmp');
    this.corruptDir = path.join(this.dir, 'corrupt');
    this.log = log;
  }

  async init(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    await mkdir(this.corruptDir, { recursive: true, mode: 0o700 });
  }

  bodyPath(id: string): string {
    return path.join(this.dir, `${id}.eml`);
  }

  envelopePath(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  /** Streams a message body into an fsynced temporary file, counting and hashing it. */
  async writeBody(source: Readable | AsyncIterable<Buffer>, maxBytes = Infinity): Promise<WrittenBody> {
    const id = newQueueId();
    const tmpPath = path.join(this.tmpDir, `${id}.eml`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) return cb(new HearthError('MESSAGE_TOO_LARGE'));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const out = createWriteStream(tmpPath, { mode: 0o600 });
    try {
      await pipeline(source, meter, out);
      await fsyncPath(tmpPath);
    } catch (err) {
      await rm(tmpPath, { force: true });
      throw err;
    }
    return { id, size, sha256: hash.digest('hex'), tmpPath };
  }

  /** Drops a body that will not be queued (e.g. the transaction was refused after DATA). */
  async discardBody(body: WrittenBody): Promise<void> {
    await rm(body.tmpPath, { force: true });
  }

  /** Moves the body into the queue and writes the envelope; durable when this resolves. */
  async commit(body: WrittenBody, env: QueueEnvelope): Promise<void> {
    envelopeSchema.parse(env);
    await rename(body.tmpPath, this.bodyPath(env.id));
    const tmpJson = path.join(this.tmpDir, `${env.id}.json`);
    await writeFileDurable(tmpJson, JSON.stringify(env));
    await rename(tmpJson, this.envelopePath(env.id));
    await fsyncPath(this.dir);
  }

  /** Rewrites a message's state. Not followed by a directory fsync: losing an update after a
   * crash only means a delivery is repeated (at most one duplicate), never that mail is lost. */
  async update(env: QueueEnvelope): Promise<void> {
    const tmpJson = path.join(this.tmpDir, `${env.id}.json.${randomBytes(3).toString('hex')}`);
    await writeFileDurable(tmpJson, JSON.stringify(env));
    await rename(tmpJson, this.envelopePath(env.id));
  }

  /** Removes a finished message (every recipient delivered or failed and reported). */
  async remove(id: string): Promise<void> {
    // The envelope first: a body without an envelope is recognised as incomplete on load.
    await rm(this.envelopePath(id), { force: true });
    await rm(this.bodyPath(id), { force: true });
  }

  /** The message as delivered: prepended headers, then the stored body. */
  openMessage(env: QueueEnvelope): Readable {
    const bodyPath = this.bodyPath(env.id);
    const prepend = Buffer.from(env.prepend, 'utf8');
    return Readable.from(
      (async function* () {
        if (prepend.length) yield prepend;
        yield* createReadStream(bodyPath);
      })(),
      { objectMode: false },
    );
  }

  messageSize(env: QueueEnvelope): number {
    return Buffer.byteLength(env.prepend, 'utf8') + env.bodySize;
  }

  /** Reads every queued message, moving damaged ones to corrupt/. */
  async load(): Promise<QueueEnvelope[]> {
    await this.init();
    // Leftovers of transactions that never got their 250 (or of an interrupted state rewrite).
    for (const name of await readdir(this.tmpDir)) {
      this.log.info('relay queue: removing unacknowledged temporary file', { file: name });
      await rm(path.join(this.tmpDir, name), { force: true });
    }
    const names = new Set(await readdir(this.dir));
    const out: QueueEnvelope[] = [];
    for (const name of names) {
      if (name.endsWith('.json')) {
        const id = name.slice(0, -5);
        const env = await this.check(id);
        if (env) out.push(env);
      } else if (name.endsWith('.eml') && !names.has(name.slice(0, -4) + '.json')) {
        await this.moveAside(name.slice(0, -4), 'body without envelope (never acknowledged or half removed)');
      }
    }
    out.sort((a, b) => a.createdAt - b.createdAt);
    return out;
  }

  /** Reads and verifies one message; moves it aside and returns null when it is damaged. */
  async check(id: string): Promise<QueueEnvelope | null> {
    let env: QueueEnvelope;
    try {
      const parsed = envelopeSchema.parse(JSON.parse(await readFile(this.envelopePath(id), 'utf8')));
      if (parsed.id !== id) throw new Error(`envelope id ${parsed.id} does not match file name`);
      env = parsed as QueueEnvelope;
    } catch (err) {
      await this.moveAside(id, `unreadable envelope: ${(err as Error).message.slice(0, 200)}`);
      return null;
    }
    try {
      const st = await stat(this.bodyPath(id));
      if (st.size !== env.bodySize) throw new Error(`body is ${st.size} bytes, expected ${env.bodySize}`);
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(this.bodyPath(id))) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== env.bodySha256) throw new Error('body checksum mismatch');
    } catch (err) {
      await this.moveAside(id, `damaged body: ${(err as Error).message.slice(0, 200)}`);
      return null;
    }
    return env;
  }

  private async moveAside(id: string, reason: string): Promise<void> {
    const err = new HearthError('QUEUE_CORRUPT', `queued message ${id}: ${reason}`);
    this.log.error('relay queue: damaged queue file moved aside', { id, reason, code: err.code, corruptDir: this.corruptDir });
    for (const ext of ['.json', '.eml']) {
      const from = path.join(this.dir, id + ext);
      try {
        await rename(from, path.join(this.corruptDir, id + ext));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    await writeFileDurable(path.join(this.corruptDir, `${id}.reason.txt`), reason + '\n');
    await fsyncPath(this.dir);
  }

  /** Names of files in corrupt/ (for `hearth queue list`). */
  async listCorrupt(): Promise<string[]> {
    try {
      return (await readdir(this.corruptDir)).filter((n) => n.endsWith('.reason.txt')).map((n) => n.slice(0, -11));
    } catch {
      return [];
    }
  }
}
