// Dragging a message out in the browser host: the row's DownloadURL points at the host's download
// endpoint, which gives the exact bytes to a holder of the launch secret and nothing to anyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startWebHost, type WebHost } from '../../../src/main/host/web-host.ts';
import { createDispatcher, type Handlers } from '../../../src/main/api/dispatcher.ts';
import { EventBus } from '../../../src/main/api/event-bus.ts';
import { methodNames } from '../../../src/shared/api.ts';
import { HearthError } from '../../../src/shared/errors.ts';
import { silentLogger } from '../../../src/main/base/log.ts';
import { corpusMessage } from '../../support/corpus.ts';
import { tempDir } from '../../support/temp-dir.ts';

let host: WebHost;
const raw = corpusMessage('malformed-000.eml');

beforeAll(async () => {
  const staticDir = tempDir('static');
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  const handlers = Object.fromEntries(methodNames.map((m) => [m, () => Promise.reject(new Error('unexpected'))])) as unknown as Handlers;
  handlers['messages.source'] = ({ messageId }) => {
    if (messageId !== 7) throw new HearthError('NOT_FOUND', 'No such message');
    return { filename: '2024-03-05 1432 Grüße: "quoted".eml', contentBase64: raw.toString('base64') };
  };
  host = await startWebHost({
    dispatch: createDispatcher(handlers, silentLogger),
    events: new EventBus(),
    log: silentLogger,
    staticDir,
    secret: 'drag-secret',
  });
});
afterAll(() => host.close());

const get = (p: string) => fetch(`http://127.0.0.1:${host.port}${p}`);

describe('message download for drag-out', () => {
  it('gives the exact bytes as an .eml attachment with the secret', async () => {
    const res = await get('/download/message/7?t=drag-secret');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('message/rfc822');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="2024-03-05 1432 Gr__e: _quoted_.eml"; filename*=UTF-8''2024-03-05%201432%20Gr%C3%BC%C3%9Fe%3A%20%22quoted%22.eml`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true);
  });

  it('refuses without the secret and says when there is no such message', async () => {
    expect((await get('/download/message/7')).status).toBe(403);
    expect((await get('/download/message/7?t=wrong-secret')).status).toBe(403);
    expect((await get('/download/message/8?t=drag-secret')).status).toBe(404);
    expect((await get('/download/message/x?t=drag-secret')).status).toBe(404);
  });
});
