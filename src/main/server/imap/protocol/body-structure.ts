// BODYSTRUCTURE and BODY (RFC 3501 7.4.2) of a parsed message, spelled as Dovecot spells them.
import { headerValue, param, splitParams, type MimePart } from '../../../mail/mime-tree.ts';
import { envelope, nstring } from './envelope.ts';
import type { ImapValue } from './response.ts';

function paramList(params: Array<[string, string]>): ImapValue {
  if (!params.length) return null;
  const out: ImapValue[] = [];
  for (const [k, v] of params) out.push(nstring(k) ?? '', nstring(v) ?? '');
  return out;
}

function disposition(h: ReadonlyArray<[string, string]>): ImapValue {
  const v = headerValue(h, 'content-disposition');
  if (!v) return null;
  const [main, params] = splitParams(v);
  const kind = main.trim();
  if (!kind) return null;
  return [nstring(kind), paramList(params)];
}

function language(h: ReadonlyArray<[string, string]>): ImapValue {
  const v = headerValue(h, 'content-language');
  if (!v) return null;
  const langs = v.split(/[\s,]+/).filter(Boolean);
  return langs.length ? langs : null;
}

/** BODYSTRUCTURE (extensible) or BODY (without extension data). */
export function bodyStructure(part: MimePart, extensible: boolean): ImapValue {
  const h = part.headers;
  const ct = part.contentType;
  if (ct.type === 'multipart' && part.children.length) {
    // body-type-mpart = 1*body SP media-subtype: the parts are not separated by spaces.
    const out: ImapValue[] = [{ concat: part.children.map((c) => bodyStructure(c, extensible)) }];
    out.push(nstring(ct.rawSubtype) ?? '');
    if (extensible) out.push(paramList(ct.params), disposition(h), language(h), nstring(headerValue(h, 'content-location')));
    return out;
  }
  const encoding = (headerValue(h, 'content-transfer-encoding') ?? '7bit').trim() || '7bit';
  // Like Dovecot: text parts without a charset are us-ascii (RFC 2045 5.2), said after the others.
  const params = ct.type === 'text' && param(ct, 'charset') === undefined ? [...ct.params, ['charset', 'us-ascii'] as [string, string]] : ct.params;
  const out: ImapValue[] = [
    nstring(ct.rawType) ?? '',
    nstring(ct.rawSubtype) ?? '',
    paramList(params),
    nstring(headerValue(h, 'content-id')),
    nstring(headerValue(h, 'content-description')),
    encoding,
    part.end - part.bodyStart,
  ];
  if (part.message) out.push(envelope(part.message), bodyStructure(part.message, extensible), part.lines);
  else if (ct.type === 'text') out.push(part.lines);
  if (extensible) out.push(nstring(headerValue(h, 'content-md5')), disposition(h), language(h), nstring(headerValue(h, 'content-location')));
  return out;
}
