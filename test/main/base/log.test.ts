import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/main/base/log.ts';

describe('logger', () => {
  it('writes JSON lines and never writes secrets', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) }).child({ accountId: 'a1' });
    log.info('login', { user: 'ann', password: 'hunter2', auth: { pass: 'x', token: 'tok-value-9' }, nested: [{ secret: 'sekrit-3' }] });
    const rec = JSON.parse(lines[0]!);
    expect(rec).toMatchObject({ level: 'info', msg: 'login', accountId: 'a1', user: 'ann', password: '[redacted]' });
    expect(lines[0]).not.toMatch(/hunter2|tok-value-9|sekrit-3/);
  });

  it('drops lines below the level', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l), level: 'warn' }).info('quiet');
    expect(lines).toEqual([]);
  });
});
