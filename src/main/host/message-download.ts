// GET /download/message/<id>?t=<launch secret>: one message as an .eml file, for dragging a
// message out of the list in the browser host (the row's DownloadURL points here). The secret
// guards it like the API: no other page or local program can read mail through it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatch } from '../api/dispatcher.ts';

export const MESSAGE_DOWNLOAD_PATH = '/download/message/';

/** RFC 5987 value encoding: percent-encoding of everything but attr-char (encodeURIComponent leaves '()* and !). */
function rfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Answers the request if it is a message download; false when it is not one. */
export async function serveMessageDownload(
  req: IncomingMessage,
  res: ServerResponse,
  dispatch: Dispatch,
  secretMatches: (offered: string) => boolean,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (!url.pathname.startsWith(MESSAGE_DOWNLOAD_PATH)) return false;
  const id = Number(url.pathname.slice(MESSAGE_DOWNLOAD_PATH.length));
  if (!secretMatches(url.searchParams.get('t') ?? '')) {
    res.writeHead(403).end();
    return true;
  }
  if (!Number.isSafeInteger(id)) {
    res.writeHead(404).end();
    return true;
  }
  const outcome = await dispatch('messages.source', { messageId: id });
  if (!outcome.ok) {
    res.writeHead(outcome.error.code === 'NOT_FOUND' ? 404 : 502, { 'content-type': 'text/plain; charset=utf-8' }).end(outcome.error.message);
    return true;
  }
  const { filename, contentBase64 } = outcome.result as { filename: string; contentBase64: string };
  const body = Buffer.from(contentBase64, 'base64');
  res.writeHead(200, {
    'content-type': 'message/rfc822',
    'content-length': body.length,
    // RFC 6266: an ASCII fallback and the real name in UTF-8.
    'content-disposition': `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${rfc5987(filename)}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
