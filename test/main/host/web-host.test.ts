// The browser host's guard: only this host's own origin with this launch's secret can use the
// API; everything else is refused before it reaches a handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../../src/main/host/web-host.ts';
import { createDispatcher, type Handlers } from '../../../src/main/api/dispatcher.ts';
import { EventBus } from '../../../src/main/api/event-bus.ts';
import { methodNames } from '../../../src/shared/api.ts';
import { silentLogger } from '../../../src/main/base/log.ts';
import { tempDir } from '../../support/temp-dir.ts';

let host: WebHost;
const events = new EventBus();
let calls = 0;

beforeAll(async () => {
  const staticDir = tempDir('static');
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(staticDir, 'assets/app.js'), 'console.log(1)');
  const handlers = Object.fromEntries(
    methodNames.map((m) => [
      m,
      () => {
        throw new Error('unexpected');
      },
    ]),
  ) as unknown as Handlers;
  handlers['accounts.list'] = () => {
    calls++;
    return [];
  };
  host = await startWebHost({ dispatch: createDispatcher(handlers, silentLogger), events, log: silentLogger, staticDir, secret: 's3cret-token' });
});
afterAll(() => host.close());

function open(opts: { origin?: string; token?: string; path?: string }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const protocols = ['hearth.v1', ...(opts.token !== undefined ? [`hearth.token.${opts.token}`] : [])];
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${opts.path ?? '/api'}`, protocols, opts.origin !== undefined ? { origin: opts.origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function request(ws: WebSocket, frame: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(d.toString())));
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('web host', () => {
  it('binds to loopback and serves the renderer with a strict CSP', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#s3cret-token$/);
    const res = await fetch(`http://127.0.0.1:${host.port}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect((await fetch(`http://127.0.0.1:${host.port}/assets/app.js`)).headers.get('content-type')).toContain('javascript');
  });

  it('lets the browser keep the build’s assets (named by content), not the page', async () => {
    const asset = await fetch(`http://127.0.0.1:${host.port}/assets/app.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`http://127.0.0.1:${host.port}/`)).headers.get('cache-control')).toBe('no-cache');
    // A name the build does not have is answered with the page: never kept.
    expect((await fetch(`http://127.0.0.1:${host.port}/assets/gone.js`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('does not serve files outside the renderer folder', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/..%2f..%2f..%2fetc%2fpasswd`);
    expect([403, 200]).toContain(res.status);
    expect(await res.text()).not.toContain('root:');
  });

  it('refuses a connection without the secret, with a wrong one, or from another origin', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    await expect(open({ origin })).rejects.toThrow(/403/);
    await expect(open({ origin, token: 'wrong' })).rejects.toThrow(/403/);
    await expect(open({ origin: 'http://evil.example', token: 's3cret-token' })).rejects.toThrow(/403/);
    await expect(open({ token: 's3cret-token' })).rejects.toThrow(/403/);
    await expect(open({ origin, token: 's3cret-token', path: '/other' })).rejects.toThrow(/403/);
    expect(calls).toBe(0);
  });

  it('answers calls and pushes events to an authorised page', async () => {
    const ws = await open({ origin: `http://127.0.0.1:${host.port}`, token: 's3cret-token' });
    expect(ws.protocol).toBe('hearth.v1');
    expect(await request(ws, { id: 7, method: 'accounts.list', args: {} })).toEqual({ id: 7, ok: true, result: [] });
    expect(await request(ws, { id: 8, method: 'accounts.remove', args: { accountId: 5 } })).toMatchObject({
      id: 8,
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'accountId' },
    });
    expect(await request(ws, 'this is not json')).toMatchObject({ id: null, ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const event = new Promise((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
    events.emit('notice', { level: 'info', message: 'hello' });
    expect(await event).toEqual({ event: 'notice', payload: { level: 'info', message: 'hello' } });
    ws.close();
  });
});
