// Turns an assembled command (line fragments + literals) into a tag, a command name and a tree of
// arguments. Pure. FETCH attributes such as BODY.PEEK[HEADER.FIELDS (FROM)]<0.100> become one atom
// carrying its section and partial range.
import type { AssembledCommand } from './command-reader.ts';
import { tagOf } from './command-reader.ts';

export type ImapNode = AtomNode | StringNode | ListNode;
export interface AtomNode {
  type: 'atom';
  value: string;
  section?: ImapNode[];
  partial?: { start: number; length: number | null };
}
export interface StringNode {
  type: 'string';
  value: Buffer;
  literal: boolean;
}
export interface ListNode {
  type: 'list';
  items: ImapNode[];
}

export interface ParsedCommand {
  tag: string;
  /** Upper-cased verb; "UID FETCH" etc. for UID commands. */
  name: string;
  args: ImapNode[];
}

export class ImapParseError extends Error {
  readonly tag: string | null;
  constructor(message: string, tag: string | null) {
    super(message);
    this.name = 'ImapParseError';
    this.tag = tag;
  }
}

const SECTION_ATOMS = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);
const MAX_DEPTH = 32;
const SP = 0x20;

function isAtomChar(c: number): boolean {
  // Atom specials: ( ) { SP CTL " and, inside a command, ] is allowed (astring) while % * are kept
  // as characters for LIST patterns.
  return c > 0x20 && c !== 0x7f && c !== 0x28 && c !== 0x29 && c !== 0x7b && c !== 0x22;
}

class Cursor {
  fragments: Buffer[];
  literals: Buffer[];
  index = 0;
  pos = 0;
  tag: string | null;
  constructor(cmd: AssembledCommand, tag: string | null) {
    this.fragments = cmd.fragments;
    this.literals = cmd.literals;
    this.tag = tag;
  }
  get buf(): Buffer {
    return this.fragments[this.index]!;
  }
  /** Where the literal marker of the current fragment starts (or buf.length for the last). */
  get limit(): number {
    if (this.index >= this.literals.length) return this.buf.length;
    return this.buf.lastIndexOf(0x7b);
  }
  atLiteral(): boolean {
    return this.index < this.literals.length && this.pos >= this.limit;
  }
  atEnd(): boolean {
    return this.index >= this.literals.length && this.pos >= this.buf.length;
  }
  peek(): number {
    return this.pos < this.limit ? this.buf[this.pos]! : -1;
  }
  fail(msg: string): never {
    throw new ImapParseError(msg, this.tag);
  }
}

/** Parse an assembled command. Throws ImapParseError (reply BAD) on malformed syntax. */
export function tokenizeCommand(cmd: AssembledCommand): ParsedCommand {
  const first = cmd.fragments[0]!;
  const tag = tagOf(first);
  if (!tag || (first.length > tag.length && first[tag.length] !== SP)) throw new ImapParseError('Invalid tag', null);
  const cur: Cursor = new Cursor(cmd, tag);
  cur.pos = tag.length + 1;
  const nameNode = readNode(cur, 0);
  if (!nameNode || nameNode.type !== 'atom') cur.fail('Missing command');
  let name = nameNode.value.toUpperCase();
  if (!/^[A-Z0-9.-]+$/.test(name)) cur.fail('Invalid command name');
  const args: ImapNode[] = [];
  for (;;) {
    skipSpaces(cur);
    if (cur.atEnd()) break;
    const node = readNode(cur, 0);
    if (!node) cur.fail('Unexpected character');
    args.push(node);
  }
  if (name === 'UID') {
    const sub = args.shift();
    if (!sub || sub.type !== 'atom') cur.fail('UID needs a command');
    name = 'UID ' + sub.value.toUpperCase();
  }
  return { tag, name, args };
}

function skipSpaces(cur: Cursor): void {
  while (cur.peek() === SP) cur.pos++;
}

function readNode(cur: Cursor, depth: number): ImapNode | null {
  skipSpaces(cur);
  if (cur.atLiteral()) {
    const value = cur.literals[cur.index]!;
    cur.index++;
    cur.pos = 0;
    return { type: 'string', value, literal: true };
  }
  const c = cur.peek();
  if (c < 0) return null;
  if (c === 0x28) {
    if (depth >= MAX_DEPTH) cur.fail('Lists nested too deeply');
    cur.pos++;
    const items: ImapNode[] = [];
    for (;;) {
      skipSpaces(cur);
      if (cur.peek() === 0x29) {
        cur.pos++;
        return { type: 'list', items };
      }
      const n = readNode(cur, depth + 1);
      if (!n) cur.fail('Unterminated list');
      items.push(n);
    }
  }
  if (c === 0x22) return readQuoted(cur);
  if (c === 0x29) return null;
  if (!isAtomChar(c)) cur.fail('Unexpected character in command');
  return readAtom(cur, depth);
}

function readQuoted(cur: Cursor): StringNode {
  const buf = cur.buf;
  const limit = cur.limit;
  let i = cur.pos + 1;
  const out: number[] = [];
  const start = i;
  let simple = true;
  for (; i < limit; i++) {
    const c = buf[i]!;
    if (c === 0x22) {
      const value = simple ? Buffer.from(buf.subarray(start, i)) : Buffer.from(out);
      cur.pos = i + 1;
      return { type: 'string', value, literal: false };
    }
    if (c === 0x5c) {
      if (simple) {
        for (let j = start; j < i; j++) out.push(buf[j]!);
        simple = false;
      }
      i++;
      if (i >= limit) break;
      out.push(buf[i]!);
      continue;
    }
    if (c === 0x0d || c === 0x0a) cur.fail('Line break in quoted string');
    if (!simple) out.push(c);
  }
  return cur.fail('Unterminated quoted string');
}

function readAtom(cur: Cursor, depth: number): AtomNode {
  const buf = cur.buf;
  const limit = cur.limit;
  const start = cur.pos;
  let i = start;
  while (i < limit) {
    const c = buf[i]!;
    if (!isAtomChar(c)) break;
    if (c === 0x5b && SECTION_ATOMS.has(buf.toString('latin1', start, i).toUpperCase())) break;
    i++;
  }
  const value = buf.toString('utf8', start, i);
  cur.pos = i;
  if (i < limit && buf[i] === 0x5b) {
    cur.pos++;
    const section: ImapNode[] = [];
    for (;;) {
      skipSpaces(cur);
      if (cur.peek() === 0x5d) {
        cur.pos++;
        break;
      }
      if (depth >= MAX_DEPTH) cur.fail('Nested too deeply');
      const n = readSectionPart(cur, depth + 1);
      if (!n) cur.fail('Unterminated section');
      section.push(n);
    }
    const node: AtomNode = { type: 'atom', value, section };
    if (cur.peek() === 0x3c) {
      const rest = cur.buf.toString('latin1', cur.pos, Math.min(cur.limit, cur.pos + 48));
      const m = /^<(\d{1,10})(?:\.(\d{1,10}))?>/.exec(rest);
      if (!m) cur.fail('Invalid partial range');
      node.partial = { start: Number(m[1]), length: m[2] === undefined ? null : Number(m[2]) };
      cur.pos += m[0].length;
    }
    return node;
  }
  return { type: 'atom', value };
}

/** Inside a section: atoms stop at "]" (e.g. 1.2.HEADER.FIELDS or TEXT]). */
function readSectionPart(cur: Cursor, depth: number): ImapNode | null {
  const c = cur.peek();
  if (c === 0x28 || c === 0x22 || cur.atLiteral()) return readNode(cur, depth);
  if (c < 0 || !isAtomChar(c)) return null;
  const buf = cur.buf;
  const start = cur.pos;
  let i = start;
  while (i < cur.limit && isAtomChar(buf[i]!) && buf[i] !== 0x5d) i++;
  cur.pos = i;
  return { type: 'atom', value: buf.toString('utf8', start, i) };
}

/** A string argument (atom, quoted or literal) as UTF-8 text, or null for anything else. */
export function nodeText(n: ImapNode | undefined): string | null {
  if (!n) return null;
  if (n.type === 'atom') return n.section ? null : n.value;
  if (n.type === 'string') return n.value.toString('utf8');
  return null;
}

export function isNil(n: ImapNode | undefined): boolean {
  return n?.type === 'atom' && !n.section && n.value.toUpperCase() === 'NIL';
}
