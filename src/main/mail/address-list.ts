// An address header (From, To, Cc, ...) read as RFC 5322 3.4 says: an address-list of mailboxes
// and groups, with comments and folding white space (CFWS) allowed between the tokens and dropped,
// quoted strings unquoted, and the obsolete forms of 4.4 (routes, spaces around "." and "@")
// tolerated. Broken input is read the way Dovecot's lib-mail message-address.c reads it, so the
// household IMAP server's ENVELOPE and SEARCH agree with Dovecot's.
//
// Works on a header value as a binary (latin1) string of its raw bytes; names and mailboxes are
// returned the same way (still with their encoded words). nodemailer's addressparser does not fit:
// it turns comments into names and even into group members ("g: (foo) ;" gives a member "foo").
import { decodeHeaderBytes, headerText } from './decode.ts';

/** One item of an address list, in order. A group is its start, its mailboxes, and its end. */
export type AddressListItem = MailboxItem | { kind: 'group'; name: string } | { kind: 'group-end' };

export interface MailboxItem {
  kind: 'mailbox';
  /** The display name (a phrase, or the comment after a bare addr-spec); null when there is none. */
  name: string | null;
  /** An obsolete source route ("@a,@b"), RFC 5322 4.4. */
  route: string | null;
  /** The local part, unquoted; null when the address has none. */
  mailbox: string | null;
  /** The domain; null when the address has none. */
  domain: string | null;
  /** The angle address could not be read ("<a@b" without ">"...): what was read is kept. */
  syntaxError: boolean;
}

/**
 * An address header as text to search in: "Name <local@domain>" per mailbox, "group: ...;" per
 * group, with the comments and white space of its addr-specs gone and names decoded (RFC 2047,
 * raw UTF-8). So "user-from@domain.org" is found in "<user-from (comment)@ (comment) domain.org>".
 */
export function addressListText(value: string): string {
  const list: string[] = [];
  let group: { name: string; members: string[] } | null = null;
  for (const a of parseAddressList(value)) {
    if (a.kind === 'group') group = { name: decodeHeaderBytes(a.name), members: [] };
    else if (a.kind === 'group-end') {
      if (group) list.push(`${group.name}: ${group.members.join(', ')};`);
      group = null;
    } else {
      const address = headerText([a.mailbox, a.domain].filter((p) => p !== null).join('@'));
      (group ? group.members : list).push(a.name === null ? address : `${decodeHeaderBytes(a.name)} <${address}>`);
    }
  }
  return list.join(', ');
}

/** Most addresses one header is read for; the rest is ignored (a header of a million commas). */
const MAX_ADDRESSES = 10_000;

export function parseAddressList(value: string): AddressListItem[] {
  return new AddressListParser(value).parse();
}

/** The addresses of a list without its group markers, e.g. for matching. */
export function mailboxesOf(items: readonly AddressListItem[]): MailboxItem[] {
  return items.filter((i): i is MailboxItem => i.kind === 'mailbox');
}

// atext (RFC 5322 3.2.3), and any 8-bit byte (RFC 6532 3.2).
const ATEXT = new Uint8Array(256);
for (let c = 0; c < 256; c++) ATEXT[c] = c >= 0x80 || /[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]/.test(String.fromCharCode(c)) ? 1 : 0;

/**
 * A recursive-descent reader over the value. Each parse step returns what Dovecot's does: -1 for
 * a syntax error, 0 when the input ended, 1 when more input follows (white space and comments
 * after the token already skipped).
 */
class AddressListParser {
  private i = 0;
  /** The last comment skipped: a bare addr-spec's display name ("a@b.c (Name)"). */
  private lastComment = '';
  private readonly out: AddressListItem[] = [];
  private cur: MailboxItem = newMailbox();
  /** The local part as read, or "" when it could not be (a domain "" means: looked for none). */
  private localPart: string | null = null;
  private domainPart: string | null = null;

  private readonly s: string;

  constructor(value: string) {
    this.s = value;
  }

  parse(): AddressListItem[] {
    if (this.skipCfws() <= 0) return this.out;
    for (let n = 0; n < MAX_ADDRESSES; n++) {
      if (this.address() === 0) break;
      // Anything but a comma after an address ends the list (the rest is garbage).
      if (this.i >= this.s.length || this.s[this.i] !== ',') break;
      this.i++;
      if (this.skipCfws() <= 0) break;
    }
    return this.out;
  }

  private at(): number {
    return this.s.charCodeAt(this.i);
  }

  private atext(): boolean {
    return this.i < this.s.length && ATEXT[this.at() & 0xff] === 1;
  }

  /** CFWS: white space, line breaks and (nested) comments. */
  private skipCfws(): number {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.i++;
      else if (c === '(') {
        if (!this.comment()) return -1;
      } else break;
    }
    return this.i < this.s.length ? 1 : 0;
  }

  /** A comment (RFC 5322 3.2.2): its text, quoted-pairs unescaped, becomes lastComment. */
  private comment(): boolean {
    let depth = 1;
    let text = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      if (c === '\\') {
        if (++this.i >= this.s.length) return false;
        text += this.s[this.i];
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        this.i++;
        this.lastComment = text;
        return true;
      }
      if (c !== '\r' && c !== '\n') text += c;
    }
    this.i = this.s.length;
    return false;
  }

  /** quoted-string (RFC 5322 3.2.4): appended without its quotes and backslashes. */
  private quotedString(acc: { text: string }): number {
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      if (c === '"') {
        this.i++;
        return this.skipCfws();
      }
      if (c === '\\') {
        if (++this.i >= this.s.length) return -1;
        acc.text += this.s[this.i];
      } else if (c !== '\r' && c !== '\n') acc.text += c;
    }
    return -1;
  }

  /** dot-atom, with CFWS allowed around the dots (obs-local-part, obs-domain). */
  private dotAtom(acc: { text: string }): number {
    if (!this.atext()) return -1;
    let start = this.i++;
    while (this.i < this.s.length) {
      if (this.atext()) {
        this.i++;
        continue;
      }
      if (start === this.i) return -1;
      acc.text += this.s.slice(start, this.i);
      const r = this.skipCfws();
      if (r <= 0) return r;
      if (this.s[this.i] !== '.') return 1;
      this.i++;
      acc.text += '.';
      const r2 = this.skipCfws();
      if (r2 <= 0) return r2;
      start = this.i;
    }
    acc.text += this.s.slice(start, this.i);
    return 0;
  }

  /** An atom of a phrase, which may hold dots (obs-phrase: "John Q. Public"). */
  private atomOrDot(acc: { text: string }): number {
    const start = this.i;
    while (this.i < this.s.length && (this.atext() || this.s[this.i] === '.')) this.i++;
    acc.text += this.s.slice(start, this.i);
    return this.i < this.s.length ? this.skipCfws() : 0;
  }

  /** phrase (RFC 5322 3.2.5): words joined by one space, comments dropped. May be empty. */
  private phrase(acc: { text: string }): number {
    if (this.i >= this.s.length) return 0;
    if (this.s[this.i] === '.') return -1;
    for (;;) {
      const r = this.s[this.i] === '"' ? this.quotedString(acc) : this.atomOrDot(acc);
      if (r <= 0) return r;
      if (!this.atext() && this.s[this.i] !== '"' && this.s[this.i] !== '.') break;
      acc.text += ' ';
    }
    return this.skipCfws();
  }

  private localPartOf(acc: { text: string }): number {
    const r = this.s[this.i] === '"' ? this.quotedString(acc) : this.dotAtom(acc);
    if (r < 0) return -1;
    this.localPart = acc.text;
    return r;
  }

  /** "@" domain: dot-atom or domain-literal (kept with its brackets). */
  private domain(acc: { text: string }): number {
    this.i++;
    if (this.skipCfws() <= 0) return -1;
    if (this.s[this.i] !== '[') return this.dotAtom(acc);
    const start = this.i;
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === '\\') this.i++;
      else if (c === ']') {
        this.i++;
        acc.text += this.s.slice(start, this.i).replace(/[\r\n]/g, '');
        return this.skipCfws();
      }
    }
    return -1;
  }

  /** obs-route's domain list: "@a,@b" before the ":" in an angle address. */
  private route(): number {
    const acc = { text: '' };
    for (;;) {
      if (this.i >= this.s.length) return 0;
      if (this.s[this.i] !== '@') break;
      if (acc.text) acc.text += ',';
      acc.text += '@';
      const r = this.domain(acc);
      if (r <= 0) return r;
      while (this.skipCfws() > 0 && this.s[this.i] === ',') this.i++;
    }
    this.cur.route = acc.text;
    return 1;
  }

  /** angle-addr: "<" [route ":"] local-part "@" domain ">"; "<>" has neither. */
  private angleAddr(): number {
    this.i++;
    if (this.skipCfws() <= 0) return -1;
    if (this.s[this.i] === '@') {
      if (this.route() > 0 && this.s[this.i] === ':') this.i++;
      else if (this.i >= this.s.length) return -1;
      if (this.skipCfws() <= 0) return -1;
    }
    if (this.s[this.i] !== '>') {
      if (this.localPartOf({ text: '' }) <= 0) return -1;
      if (this.s[this.i] === '@') {
        const acc = { text: '' };
        const r = this.domain(acc);
        if (r < 0) return -1;
        this.domainPart = acc.text;
        if (r === 0) return -1;
      }
    }
    if (this.s[this.i] !== '>') return -1;
    this.i++;
    return this.skipCfws();
  }

  /** name-addr: [display-name] angle-addr. -1 when this is no name-addr (try an addr-spec). */
  private nameAddr(): number {
    const acc = { text: '' };
    if (this.phrase(acc) <= 0 || this.s[this.i] !== '<') return -1;
    this.cur.name = acc.text === '' ? null : acc.text;
    if (this.angleAddr() < 0) this.cur.syntaxError = true;
    return this.i < this.s.length ? 1 : 0;
  }

  /** addr-spec, or what is left of one: "user" alone is a mailbox, "two words" a name. */
  private addrSpec(): number {
    this.lastComment = '';
    const quoted = this.s[this.i] === '"';
    const acc = { text: '' };
    let r = this.localPartOf(acc);
    let domainRead = false;
    if (r !== 0 && this.i < this.s.length && this.s[this.i] === '@') {
      domainRead = true;
      const d = { text: '' };
      const r2 = this.domain(d);
      if (r2 >= 0) this.domainPart = d.text;
      if (r2 <= 0) r = r2;
    }
    if (this.lastComment) this.cur.name = this.lastComment;
    else if (!domainRead) {
      // Words after a lone local part make it all a display name without an address.
      acc.text += ' ';
      const before = acc.text.length;
      this.phrase(acc);
      if (acc.text.length !== before) {
        this.localPart = null;
        this.cur.name = acc.text;
      } else if (!quoted) this.domainPart = '';
      r = -1;
    }
    return r;
  }

  private mailbox(): number {
    const start = this.i;
    this.cur = newMailbox();
    this.localPart = null;
    this.domainPart = null;
    let r = this.nameAddr();
    if (r < 0) {
      this.i = start;
      r = this.addrSpec();
      // A quoted string alone ("\"Name\"") is a name, not a mailbox.
      if (this.cur.name === null && this.localPart !== null && this.domainPart === null) {
        this.cur.name = this.localPart;
        this.localPart = null;
      }
    }
    this.cur.mailbox = this.localPart;
    this.cur.domain = this.domainPart || null;
    this.out.push(this.cur);
    return r;
  }

  /** group: display-name ":" [mailbox-list / CFWS] ";" (RFC 5322 3.4). -1 when this is no group. */
  private group(): number {
    const acc = { text: '' };
    if (this.phrase(acc) <= 0 || this.s[this.i] !== ':') return -1;
    this.i++;
    let r = this.skipCfws();
    this.out.push({ kind: 'group', name: acc.text });
    if (r > 0 && this.s[this.i] !== ';') {
      for (;;) {
        if (this.mailbox() <= 0) {
          r = -1;
          break;
        }
        if (this.s[this.i] === ';') break;
        if (this.s[this.i] !== ',') {
          r = -1;
          break;
        }
        this.i++;
        if (this.skipCfws() <= 0) {
          r = -1;
          break;
        }
      }
    }
    if (r >= 0) {
      if (this.i >= this.s.length) r = 0;
      else {
        this.i++; // the ";"
        r = this.skipCfws();
      }
    }
    this.out.push({ kind: 'group-end' });
    return r === 0 ? 0 : 1;
  }

  private address(): number {
    const start = this.i;
    const r = this.group();
    if (r >= 0) return r;
    this.i = start;
    return this.mailbox();
  }
}

function newMailbox(): MailboxItem {
  return { kind: 'mailbox', name: null, route: null, mailbox: null, domain: null, syntaxError: false };
}
