// The parts every message view shares (the reader, an opened .eml file): the header lines, the
// remote-content banner, and the sanitised document for the sandboxed body frame.
import { useEffect, useRef, useState } from 'react';
import type { Address, MessageBody } from '../../../shared/api.ts';
import { fullAddressList } from '../format.ts';
import { isDark } from '../use-theme.ts';
import { messageDocument, sanitizeMessageHtml, textToHtml, trailingImages } from '../sanitize.ts';
import { collapseQuotedHtml, quotedTextToHtml } from '../quotes.ts';

/**
 * The body as a document for the frame: HTML sanitised (remote content only when allowed), text
 * escaped; `cid:` images from `cidUrls`, and inline images the HTML does not place after the body.
 */
export function bodyDocument(
  body: MessageBody | null,
  allowRemote: boolean,
  cidUrls: Map<string, string> = new Map(),
  /** Quoted text (plain "> " lines, HTML blockquotes) collapsed behind a "•••" toggle. */
  collapseQuotes = false,
  /** Dark colours (pass useDark()'s, so the frame follows a theme change). */
  dark: boolean = isDark(),
): { doc: string; blocked: number } {
  if (!body) return { doc: '', blocked: 0 };
  if (!body.html)
    return {
      doc: messageDocument(
        (collapseQuotes ? quotedTextToHtml(body.text ?? '') : textToHtml(body.text ?? '')) + trailingImages(cidUrls, new Set()),
        false,
        dark,
      ),
      blocked: 0,
    };
  const s = sanitizeMessageHtml(body.html, { allowRemote, cidUrls });
  const html = collapseQuotes ? collapseQuotedHtml(s.html) : s.html;
  return { doc: messageDocument(html + trailingImages(cidUrls, s.usedCids), allowRemote, dark), blocked: s.blockedRemote };
}

export function HeaderLines({ from, to, cc, date }: { from: Address[]; to: Address[]; cc: Address[]; date: number | null }) {
  return (
    <>
      <div>
        <span className="label">From</span> {fullAddressList(from)}
      </div>
      {to.length > 0 && (
        <div>
          <span className="label">To</span> {fullAddressList(to)}
        </div>
      )}
      {cc.length > 0 && (
        <div>
          <span className="label">Cc</span> {fullAddressList(cc)}
        </div>
      )}
      {date !== null && (
        <div>
          <span className="label">Date</span> {new Date(date).toLocaleString()}
        </div>
      )}
    </>
  );
}

export function RemoteBanner({ blocked, onAllow, sender, onAlwaysAllow }: { blocked: number; onAllow(): void; sender?: string; onAlwaysAllow?(): void }) {
  if (blocked === 0) return null;
  return (
    <div className="remote-banner">
      Hearth blocked {blocked} remote {blocked === 1 ? 'resource' : 'resources'} in this message to protect your privacy.{' '}
      <button type="button" onClick={onAllow}>
        Load remote content
      </button>
      {sender && onAlwaysAllow && (
        <>
          {' '}
          <button type="button" onClick={onAlwaysAllow} data-testid="always-allow-remote">
            Always load from {sender}
          </button>
        </>
      )}
    </div>
  );
}

/**
 * No allow-scripts and no allow-same-origin: the message runs nothing and reaches nothing.
 * The frame is kept while the next body loads (`hidden`, showing the last document): making a new
 * frame for each message was the largest single cost of moving through the list in the renderer's
 * profile. One srcdoc navigation at a time: a srcdoc changed while the frame still loaded the one
 * before was sometimes never loaded by Chromium on a busy machine (the frame stayed blank with the
 * right srcdoc attribute: embedded-default.test.ts, about 1 run in 4 under load). So the frame is
 * made only with a document, and a new one waits for the frame's load event.
 */
export function BodyFrame({ doc, hidden = false }: { doc: string; hidden?: boolean }) {
  const [shown, setShown] = useState(doc);
  const wanted = useRef(doc);
  if (doc) wanted.current = doc;
  const loading = useRef(doc !== '');
  const next = useRef(() => {});
  next.current = () => {
    if (!wanted.current || wanted.current === shown) return;
    loading.current = true;
    setShown(wanted.current);
  };
  // A load event that never comes does not hold the frame for good.
  useEffect(() => {
    const t = setTimeout(() => {
      loading.current = false;
      next.current();
    }, FRAME_LOAD_WAIT_MS);
    return () => clearTimeout(t);
  }, [shown]);
  useEffect(() => {
    if (!loading.current) next.current();
  }, [doc]);
  if (!shown) return null;
  return (
    <iframe
      className="body-frame"
      title="Message body"
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      srcDoc={shown}
      hidden={hidden || !doc || shown !== doc}
      onLoad={() => {
        loading.current = false;
        next.current();
      }}
      data-testid="body-frame"
    />
  );
}

/** How long a new document waits at most for the frame to finish loading the one before. */
const FRAME_LOAD_WAIT_MS = 2000;
