// IMAP URLs (RFC 5092) naming a message or a part of one, as CATENATE (RFC 4469 3) uses them:
//   /INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.2/;PARTIAL=0.1024
//   ;UID=20                                   (relative to the selected mailbox)
//   imap://alice%40home.arpa@host/Sent/;UID=3 (absolute; the user is checked by the caller)
// Pure.
import type { SectionSpecifier } from './sections.ts';

export interface ImapUrl {
  /** The userinfo of an absolute URL ("imap://user@host/…"), percent-decoded; null when relative. */
  user: string | null;
  absolute: boolean;
  /** Mailbox name (percent-decoded UTF-8), or null for the selected mailbox. */
  mailbox: string | null;
  uidValidity: number | null;
  uid: number;
  /** ";SECTION=" as a FETCH section: part path and specifier. */
  section: { path: number[]; spec: SectionSpecifier } | null;
  /** ";PARTIAL=start[.length]" (RFC 5092 URL-PARTIAL). */
  partial: { start: number; length: number | null } | null;
}

const NUMBER = /^[1-9]\d{0,9}$/;

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** A FETCH-style section ("1.2", "HEADER", "2.MIME", "HEADER.FIELDS (A B)"); null if malformed. */
export function parseSection(text: string): { path: number[]; spec: SectionSpecifier } | null {
  const t = text.trim();
  const numbered = /^([1-9]\d{0,8}(?:\.[1-9]\d{0,8})*)(?:\.(.+))?$/.exec(t);
  const path = numbered ? numbered[1]!.split('.').map(Number) : [];
  const rest = (numbered ? (numbered[2] ?? '') : t).toUpperCase();
  if (rest === '') return path.length ? { path, spec: { kind: 'all' } } : null;
  if (rest === 'HEADER') return { path, spec: { kind: 'header' } };
  if (rest === 'TEXT') return { path, spec: { kind: 'text' } };
  if (rest === 'MIME') return path.length ? { path, spec: { kind: 'mime' } } : null;
  const f = /^HEADER\.FIELDS(\.NOT)?\s*\(([^()]*)\)$/.exec(rest);
  if (!f) return null;
  const fields = f[2]!.split(/\s+/).filter(Boolean);
  if (!fields.length) return null;
  return { path, spec: { kind: 'fields', fields, not: !!f[1] } };
}

export function parseImapUrl(url: string): ImapUrl | null {
  let rest = url;
  let user: string | null = null;
  let absolute = false;
  const abs = /^imap:\/\/(?:([^@/]*)@)?[^/]+(\/.*)$/i.exec(url);
  if (abs) {
    absolute = true;
    // userinfo = enc-user [iauth] (RFC 5092 3.2); ";AUTH=…" names a mechanism we do not check.
    user = abs[1] === undefined ? null : decode(abs[1].replace(/;AUTH=.*$/i, ''));
    if (abs[1] !== undefined && user === null) return null;
    rest = abs[2]!;
  }
  // "/mailbox[;UIDVALIDITY=n]" then "/;UID=n", or a bare ";UID=n" relative to the selected mailbox.
  let mailbox: string | null = null;
  let uidValidity: number | null = null;
  if (rest.startsWith('/')) {
    const m = /^\/([^;/]*(?:\/[^;/]+)*?)(?:;UIDVALIDITY=([^/]*))?(\/;.*)$/i.exec(rest);
    if (!m) return null;
    mailbox = decode(m[1]!);
    if (!mailbox) return null;
    if (m[2] !== undefined) {
      if (!NUMBER.test(m[2])) return null;
      uidValidity = Number(m[2]);
    }
    rest = m[3]!.slice(1);
  } else if (absolute) return null;
  const params = rest.split('/');
  const uidParam = /^;UID=(.*)$/i.exec(params[0] ?? '');
  if (!uidParam || !NUMBER.test(uidParam[1]!)) return null;
  const out: ImapUrl = { user, absolute, mailbox, uidValidity, uid: Number(uidParam[1]), section: null, partial: null };
  for (const p of params.slice(1)) {
    const sec = /^;SECTION=(.*)$/i.exec(p);
    const part = /^;PARTIAL=(\d{1,10})(?:\.(\d{1,10}))?$/i.exec(p);
    if (sec && !out.section && !out.partial) {
      const text = decode(sec[1]!);
      out.section = text === null ? null : parseSection(text);
      if (!out.section) return null;
    } else if (part && !out.partial) {
      out.partial = { start: Number(part[1]), length: part[2] === undefined ? null : Number(part[2]) };
      if (out.partial.length === 0) return null;
    } else return null; // ;URLAUTH and anything else: not offered
  }
  return out;
}
