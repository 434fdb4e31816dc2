// The imports and exports running in this process: each gets an id, reports its progress as
// `transfer.progress` events (every few messages and at the end) and can be cancelled. One import
// of the same source into the same folder runs at a time (they would share a journal).
import { randomUUID } from 'node:crypto';
import type { TransferProgress } from '../../../shared/api.ts';
import { HearthError } from '../../../shared/errors.ts';
import type { EventBus } from '../../api/event-bus.ts';
import { transferLimits } from '../../base/limits.ts';
import type { Logger } from '../../base/log.ts';
import type { TransferCounts } from './transfer-folder.ts';

interface Job {
  progress: TransferProgress;
  abort: AbortController;
  finished: Promise<TransferProgress>;
  /** Two jobs with the same lock key do not run at once. */
  lockKey: string;
}

export interface JobSpec {
  kind: 'import' | 'export';
  mailboxId: number;
  path: string;
  lockKey: string;
  run(signal: AbortSignal, onProgress: (c: TransferCounts) => void): Promise<TransferCounts>;
}

/** What went wrong, as the catalogue names it: file-system errors by their errno code, the rest as the server's. */
function asHearthError(e: unknown): HearthError {
  if (e instanceof HearthError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const message = (e as Error | null)?.message ?? String(e);
  if (code === 'ENOSPC') return new HearthError('DISK_FULL', message);
  if (code === 'ENOENT') return new HearthError('NOT_FOUND', message);
  if (code && ['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS', 'EIO', 'EEXIST', 'EMFILE'].includes(code)) return new HearthError('STORAGE', message);
  if (code && /^(ECONN|ETIMEDOUT|EPIPE|EHOST|ENETUNREACH|NoConnection)/.test(code)) return new HearthError('NETWORK', message);
  return new HearthError('SERVER_ERROR', message);
}

export class TransferJobs {
  private readonly jobs = new Map<string, Job>();

  private readonly events: EventBus;
  private readonly log: Logger;

  constructor(events: EventBus, log: Logger) {
    this.events = events;
    this.log = log;
  }

  start(spec: JobSpec): TransferProgress {
    for (const j of this.jobs.values())
      if (j.progress.state === 'running' && j.lockKey === spec.lockKey)
        throw new HearthError('INVALID_ARGUMENT', `This ${spec.kind} is running already`, { detail: { jobId: j.progress.jobId } });
    const jobId = randomUUID();
    const progress: TransferProgress = {
      jobId,
      kind: spec.kind,
      state: 'running',
      mailboxId: spec.mailboxId,
      path: spec.path,
      done: 0,
      total: 0,
      skipped: 0,
      bytesDone: 0,
      bytesTotal: 0,
    };
    const abort = new AbortController();
    let sinceEvent = 0;
    const onProgress = (c: TransferCounts) => {
      Object.assign(progress, c);
      if (++sinceEvent >= transferLimits.progressEvery || c.done === 0) {
        sinceEvent = 0;
        this.events.emit('transfer.progress', { ...progress });
      }
    };
    const finished = spec
      .run(abort.signal, onProgress)
      .then(
        (c) => {
          Object.assign(progress, c, { state: 'done' as const });
        },
        (e: unknown) => {
          if (abort.signal.aborted) progress.state = 'cancelled';
          else {
            progress.state = 'failed';
            const err = asHearthError(e);
            progress.error = { code: err.code, message: err.message };
            this.log.warn('transfer failed', { jobId, kind: spec.kind, code: err.code, error: err.message });
          }
        },
      )
      .then(() => {
        this.events.emit('transfer.progress', { ...progress });
        return { ...progress };
      });
    this.jobs.set(jobId, { progress, abort, finished, lockKey: spec.lockKey });
    return { ...progress };
  }

  list(): TransferProgress[] {
    return [...this.jobs.values()].map((j) => ({ ...j.progress }));
  }

  cancel(jobId: string): void {
    const j = this.jobs.get(jobId);
    if (!j) throw new HearthError('NOT_FOUND', 'No such import or export', { field: 'jobId' });
    j.abort.abort();
  }

  /** Resolves with the job's final progress (tests and the CLI wait on it). */
  wait(jobId: string): Promise<TransferProgress> {
    const j = this.jobs.get(jobId);
    if (!j) throw new HearthError('NOT_FOUND', 'No such import or export', { field: 'jobId' });
    return j.finished;
  }

  /** Cancels what runs and waits for it to stop (closing the app). */
  async close(): Promise<void> {
    for (const j of this.jobs.values()) j.abort.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.finished));
  }
}
