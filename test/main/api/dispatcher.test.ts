import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../src/main/api/dispatcher.ts';
import { methodNames, methods } from '../../../src/shared/api.ts';
import { HearthError } from '../../../src/shared/errors.ts';
import { createLogger, silentLogger } from '../../../src/main/base/log.ts';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unexpected = () => {
    throw new Error('not expected in this test');
  };
  const all = Object.fromEntries(methodNames.map((m) => [m, unexpected])) as unknown as Handlers;
  return { ...all, ...overrides };
}

describe('dispatcher', () => {
  it('validates arguments and names the offending field', async () => {
    let called = false;
    const dispatch = createDispatcher(handlers({ 'accounts.add': () => ((called = true), null as never) }), silentLogger);
    const res = await dispatch('accounts.add', {
      name: 'x',
      email: 'a@b.c',
      incoming: { protocol: 'imap', host: 'h', port: 70000, tls: 'tls', user: 'u', password: 'p' },
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'incoming.port' } });
    expect(called).toBe(false);
  });

  it('rejects unknown keys instead of passing them through', async () => {
    const dispatch = createDispatcher(handlers({ 'accounts.list': () => [] }), silentLogger);
    expect(await dispatch('accounts.list', { evil: true })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch('accounts.list', {})).toEqual({ ok: true, result: [] });
  });

  it('answers unknown methods, including prototype names, with UNKNOWN_METHOD', async () => {
    const dispatch = createDispatcher(handlers(), silentLogger);
    for (const name of ['nope', '__proto__', 'constructor', 'toString']) {
      expect(await dispatch(name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('returns HearthErrors as payloads and hides other exceptions behind INTERNAL, logging them', async () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    const dispatch = createDispatcher(
      handlers({
        'accounts.remove': () => {
          throw new HearthError('NOT_FOUND', 'No such account');
        },
        'accounts.list': () => {
          throw new Error('database exploded at /secret/path password=hunter2');
        },
      }),
      log,
    );
    expect(await dispatch('accounts.remove', { accountId: 'x' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such account' } });
    expect(await dispatch('accounts.list', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(lines.join('\n')).toContain('api handler failed');
  });

  it('applies schema defaults before the handler sees the arguments', async () => {
    let seen: unknown;
    const dispatch = createDispatcher(handlers({ 'messages.page': (a) => ((seen = a), { total: 0, messages: [] }) }), silentLogger);
    await dispatch('messages.page', { mailboxId: 3 });
    expect(seen).toEqual({ mailboxId: 3, offset: 0, limit: 100 });
  });

  it('declares a result schema for every method', () => {
    for (const name of methodNames) expect(methods[name].result).toBeDefined();
  });
});
