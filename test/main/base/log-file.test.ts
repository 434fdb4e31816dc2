import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { RotatingLogFile, createFileLogger, logFileOf } from '../../../src/main/base/log-file.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('rotating log file', () => {
  it('rotates by size and keeps only a few old files, newest as .1', () => {
    const dir = tempDir('hearth-log-');
    const file = path.join(dir, 'logs', 'hearth.log');
    const sink = new RotatingLogFile({ file, maxBytes: 100, keep: 2 });
    // 10 lines of 40 bytes: 2 per file, so 5 files' worth; only the current one and 2 old ones stay
    for (let i = 0; i < 10; i++) sink.write(`line ${String(i).padStart(2, '0')} ${'x'.repeat(30)}`);
    sink.close();
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['hearth.log', 'hearth.log.1', 'hearth.log.2']);
    const lines = (f: string) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.slice(0, 7));
    expect(lines(file)).toEqual(['line 08', 'line 09']);
    expect(lines(`${file}.1`)).toEqual(['line 06', 'line 07']);
    expect(lines(`${file}.2`)).toEqual(['line 04', 'line 05']);
    for (const f of readdirSync(path.dirname(file))) expect(statSync(path.join(path.dirname(file), f)).size).toBeLessThanOrEqual(100);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('appends to the file a previous run left, counting its size', () => {
    const dir = tempDir('hearth-log-');
    const file = path.join(dir, 'hearth.log');
    const first = new RotatingLogFile({ file, maxBytes: 60, keep: 1 });
    first.write('a'.repeat(39));
    first.close();
    const second = new RotatingLogFile({ file, maxBytes: 60, keep: 1 });
    second.write('b'.repeat(39)); // 40 + 40 > 60: the first run's line moves to .1
    second.close();
    expect(readFileSync(file, 'utf8')).toBe('b'.repeat(39) + '\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('a'.repeat(39) + '\n');
  });

  it('a line longer than the limit is still written whole', () => {
    const file = path.join(tempDir('hearth-log-'), 'hearth.log');
    const sink = new RotatingLogFile({ file, maxBytes: 10, keep: 1 });
    sink.write('x'.repeat(50));
    sink.write('y'.repeat(50));
    sink.close();
    expect(readFileSync(file, 'utf8')).toBe('y'.repeat(50) + '\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('x'.repeat(50) + '\n');
  });

  it('the file logger writes redacted JSON lines to DATA/logs/hearth.log', () => {
    const dataDir = tempDir('hearth-log-');
    const logging = createFileLogger({ dataDir, base: { svc: 't' } });
    expect(logging.file).toBe(logFileOf(dataDir));
    expect(logging.file).toBe(path.join(dataDir, 'logs', 'hearth.log'));
    logging.log.info('login', { user: 'ann', password: 'hunter2' });
    logging.log.debug('below the default level');
    logging.close();
    logging.log.info('after close: dropped, not thrown');
    const lines = readFileSync(logging.file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'login', svc: 't', user: 'ann', password: '[redacted]' });
    expect(existsSync(`${logging.file}.1`)).toBe(false);
  });
});
