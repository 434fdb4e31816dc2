// The log's home: DATA/logs/hearth.log, rotated by size (hearth.log.1 is the newest old file, a few
// kept), so a server that runs for months keeps a bounded log. Writes are synchronous appends: a
// line logged just before process.exit() is on disk, and lines from one process never interleave.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger, type LogLevel } from './log.ts';

export const LOG_FILE_DEFAULTS = { maxBytes: 5 * 1024 * 1024, keep: 3 };

export interface RotatingFileOptions {
  file: string;
  /** Rotate before a line would take the file past this size. */
  maxBytes?: number;
  /** Old files kept beside the current one (file.1 … file.N). */
  keep?: number;
}

export class RotatingLogFile {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fd: number | null;
  private size: number;

  constructor(opts: RotatingFileOptions) {
    this.file = opts.file;
    this.maxBytes = opts.maxBytes ?? LOG_FILE_DEFAULTS.maxBytes;
    this.keep = opts.keep ?? LOG_FILE_DEFAULTS.keep;
    // The log names users and hosts: as private as the rest of the data folder.
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(line: string): void {
    if (this.fd === null) return;
    const bytes = Buffer.from(line.endsWith('\n') ? line : line + '\n', 'utf8');
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    writeSync(this.fd!, bytes);
    this.size += bytes.length;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  private rotate(): void {
    closeSync(this.fd!);
    rmSync(`${this.file}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      try {
        renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    if (this.keep > 0) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = 0;
  }
}

/** Where a data folder's log lives. */
export function logFileOf(dataDir: string): string {
  return path.join(dataDir, 'logs', 'hearth.log');
}

export interface FileLoggerOptions extends Omit<RotatingFileOptions, 'file'> {
  dataDir: string;
  /** Also write every line to standard error (`--verbose`). */
  verbose?: boolean;
  level?: LogLevel;
  base?: Record<string, unknown>;
}

export interface FileLogger {
  log: Logger;
  /** The log file's path, to tell the user where to look. */
  file: string;
  close(): void;
}

/** A logger writing JSON lines (secrets redacted by log.ts) to the data folder's rotating log. */
export function createFileLogger(opts: FileLoggerOptions): FileLogger {
  const sink = new RotatingLogFile({
    file: logFileOf(opts.dataDir),
    ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
    ...(opts.keep !== undefined ? { keep: opts.keep } : {}),
  });
  const write = (line: string) => {
    sink.write(line);
    if (opts.verbose) process.stderr.write(line + '\n');
  };
  const log = createLogger({ write, ...(opts.level ? { level: opts.level } : {}), ...(opts.base ? { base: opts.base } : {}) });
  return { log, file: sink.file, close: () => sink.close() };
}
