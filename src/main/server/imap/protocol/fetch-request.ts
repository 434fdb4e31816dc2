// FETCH / UID FETCH arguments (RFC 3501 6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/VANISHED)
// into a typed request. Pure: nothing is resolved or read here; a malformed request is a BAD.
import type { ImapNode } from './tokenizer.ts';
import type { SeqRange } from './sequence-set.ts';
import type { SectionSpecifier } from './sections.ts';
import { numberArg, sequenceSetArg } from './arguments.ts';
import { bad } from '../command-types.ts';

/** Attributes answered from the message's metadata alone, without reading its file. */
export type MetadataName = 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'MODSEQ';
/** Attributes answered from the parsed MIME structure (BODY is BODYSTRUCTURE without extension data). */
export type StructureName = 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE';

export interface MetadataItem {
  kind: 'metadata';
  name: MetadataName;
}

export interface StructureItem {
  kind: 'structure';
  name: StructureName;
}

/** BODY[...], BODY.PEEK[...], BINARY[...], BINARY.PEEK[...], RFC822, RFC822.HEADER, RFC822.TEXT. */
export interface SectionItem {
  kind: 'section';
  /** What the response calls it: "BODY[1.HEADER.FIELDS (FROM)]<0>", "BINARY[2]", "RFC822.TEXT". */
  responseName: string;
  /** BINARY: the part's content transfer encoding is undone (RFC 3516 4.1). */
  binary: boolean;
  /** Not .PEEK (nor RFC822.HEADER): fetching it sets \Seen (RFC 3501 6.4.5). */
  setsSeen: boolean;
  /** Part numbers ("1.2" -> [1, 2]); empty for the message itself. */
  path: number[];
  spec: SectionSpecifier;
  /** "<start.length>"; the length is null for "<start>". */
  partial: { start: number; length: number | null } | null;
}

/** BINARY.SIZE[part]: the decoded size of a part (RFC 3516 4.1). */
export interface BinarySizeItem {
  kind: 'binarySize';
  /** What the response calls it: "BINARY.SIZE[2]". */
  responseName: string;
  path: number[];
}

export type FetchItem = MetadataItem | StructureItem | SectionItem | BinarySizeItem;

export interface FetchRequest {
  /** MSNs, or UIDs for UID FETCH; "*" is Infinity until resolved. */
  sequenceSet: SeqRange[];
  /**
   * In response order, with UID first for UID FETCH (RFC 3501 6.4.8) and MODSEQ added under
   * CHANGEDSINCE (RFC 7162 3.1.4.1).
   */
  items: FetchItem[];
  /** CHANGEDSINCE: only messages whose mod-sequence is greater (RFC 7162 3.1.4.1). */
  changedSince: number | null;
  /** VANISHED: UIDs of the set expunged since CHANGEDSINCE are reported first (RFC 7162 3.2.6). */
  vanished: boolean;
  /** MODSEQ or CHANGEDSINCE: the command enables CONDSTORE (RFC 7162 3.1). */
  enablesCondstore: boolean;
}

export interface FetchParseOptions {
  /** UID FETCH rather than FETCH. */
  uid: boolean;
  /** The session has enabled QRESYNC (VANISHED is allowed only then). */
  qresync: boolean;
}

const METADATA = new Set<string>(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'MODSEQ']);
const STRUCTURE = new Set<string>(['ENVELOPE', 'BODY', 'BODYSTRUCTURE']);
// RFC 3501 6.4.5: the macros, each equivalent to its list of items.
const MACROS = new Map<string, string[]>([
  ['ALL', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']],
  ['FAST', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']],
  ['FULL', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']],
]);

/** Parse "sequence-set items [(modifiers)]", the arguments of FETCH / UID FETCH. */
export function parseFetchRequest(args: readonly ImapNode[], options: FetchParseOptions): FetchRequest {
  const sequenceSet = sequenceSetArg(args[0]);
  const items = parseFetchItems(args[1]);
  const { changedSince, vanished } = parseModifiers(args[2], options);
  if (args.length > 3) throw bad('Too many arguments');
  if (options.uid && !items.some((i) => i.kind === 'metadata' && i.name === 'UID')) items.unshift({ kind: 'metadata', name: 'UID' });
  const modseq = items.some((i) => i.kind === 'metadata' && i.name === 'MODSEQ');
  if (changedSince !== null && !modseq) items.push({ kind: 'metadata', name: 'MODSEQ' });
  return { sequenceSet, items, changedSince, vanished, enablesCondstore: changedSince !== null || modseq };
}

/** The items: one attribute, a parenthesised list of them, or a macro (ALL, FAST, FULL). */
export function parseFetchItems(node: ImapNode | undefined): FetchItem[] {
  if (!node) throw bad('FETCH items expected');
  let nodes: ImapNode[];
  const macro = node.type === 'atom' && !node.section ? MACROS.get(node.value.toUpperCase()) : undefined;
  if (node.type === 'list') nodes = node.items;
  else if (macro) nodes = macro.map((v) => ({ type: 'atom', value: v }));
  else nodes = [node];
  if (!nodes.length) throw bad('FETCH items expected');
  return nodes.map(parseItem);
}

function parseItem(n: ImapNode): FetchItem {
  if (n.type !== 'atom') throw bad('Invalid FETCH item');
  const name = n.value.toUpperCase();
  // The tokenizer gives a section only to BODY, BODY.PEEK, BINARY, BINARY.PEEK and BINARY.SIZE.
  if (n.section) return sectionItem(name, n.section, n.partial ?? null);
  if (n.partial) throw bad('Invalid FETCH item');
  if (METADATA.has(name)) return { kind: 'metadata', name: name as MetadataName };
  if (STRUCTURE.has(name)) return { kind: 'structure', name: name as StructureName };
  // RFC 3501 6.4.5: RFC822 is BODY[], RFC822.HEADER is BODY.PEEK[HEADER], RFC822.TEXT is BODY[TEXT],
  // each answered under its own name.
  if (name === 'RFC822') return rfc822Item(name, { kind: 'all' }, true);
  if (name === 'RFC822.HEADER') return rfc822Item(name, { kind: 'header' }, false);
  if (name === 'RFC822.TEXT') return rfc822Item(name, { kind: 'text' }, true);
  throw bad(`Unknown FETCH item ${name.slice(0, 30)}`);
}

function rfc822Item(name: string, spec: SectionSpecifier, setsSeen: boolean): SectionItem {
  return { kind: 'section', responseName: name, binary: false, setsSeen, path: [], spec, partial: null };
}

function sectionItem(name: string, section: ImapNode[], partial: SectionItem['partial']): SectionItem | BinarySizeItem {
  const binary = name.startsWith('BINARY');
  const { path, spec, text } = parseSection(section, binary);
  if (name === 'BINARY.SIZE') {
    if (partial) throw bad('BINARY.SIZE takes no range');
    return { kind: 'binarySize', responseName: `BINARY.SIZE[${text}]`, path };
  }
  if (partial && partial.length === 0) throw bad('Empty partial range');
  // The response names the section as asked and the partial range by its start only (RFC 3501 7.4.2).
  const label = binary ? 'BINARY' : 'BODY';
  const responseName = `${label}[${text}]${partial ? `<${partial.start}>` : ''}`;
  return { kind: 'section', responseName, binary, setsSeen: !name.endsWith('.PEEK'), path, spec, partial };
}

/**
 * A section ("1.2.HEADER.FIELDS (FROM)") into part path, specifier and the text the response echoes
 * (field names upper-cased). BINARY takes part numbers only (RFC 3516 4.1).
 */
function parseSection(nodes: readonly ImapNode[], binary: boolean): { path: number[]; spec: SectionSpecifier; text: string } {
  if (!nodes.length) return { path: [], spec: { kind: 'all' }, text: '' };
  const first = nodes[0]!;
  if (first.type !== 'atom') throw bad('Invalid section');
  const parts = first.value.split('.');
  const path: number[] = [];
  while (parts.length && /^\d+$/.test(parts[0]!)) {
    const n = Number(parts.shift());
    if (n < 1 || n > 100000) throw bad('Invalid part number');
    path.push(n);
  }
  const rest = parts.join('.').toUpperCase();
  let spec: SectionSpecifier;
  let text = path.join('.');
  const join = (s: string) => (text ? text + '.' + s : s);
  if (rest === '') {
    if (nodes.length > 1) throw bad('Invalid section');
    spec = { kind: 'all' };
  } else if (binary) throw bad('BINARY takes part numbers only');
  else if (rest === 'HEADER' || rest === 'TEXT' || rest === 'MIME') {
    if (nodes.length > 1) throw bad('Invalid section');
    if (rest === 'MIME' && !path.length) throw bad('MIME needs a part number');
    spec = { kind: rest === 'HEADER' ? 'header' : rest === 'TEXT' ? 'text' : 'mime' };
    text = join(rest);
  } else if (rest === 'HEADER.FIELDS' || rest === 'HEADER.FIELDS.NOT') {
    const fields = fieldNames(nodes[1]);
    if (nodes.length > 2) throw bad('Invalid section');
    spec = { kind: 'fields', fields, not: rest.endsWith('.NOT') };
    text = join(rest) + ' (' + fields.map((f) => f.toUpperCase()).join(' ') + ')';
  } else throw bad('Invalid section');
  return { path, spec, text };
}

/** The header-list of HEADER.FIELDS: astrings that are valid field names (RFC 5322 3.6.8 ftext). */
function fieldNames(node: ImapNode | undefined): string[] {
  if (node?.type !== 'list' || !node.items.length) throw bad('Header field list expected');
  return node.items.map((n) => {
    const v = n.type === 'atom' ? n.value : n.type === 'string' ? n.value.toString('latin1') : '';
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(v)) throw bad('Invalid header field name');
    return v;
  });
}

/** "(CHANGEDSINCE n VANISHED)": the RFC 7162 FETCH modifiers. */
function parseModifiers(node: ImapNode | undefined, options: FetchParseOptions): { changedSince: number | null; vanished: boolean } {
  let changedSince: number | null = null;
  let vanished = false;
  if (!node) return { changedSince, vanished };
  if (node.type !== 'list') throw bad('Invalid FETCH modifiers');
  for (let i = 0; i < node.items.length; i++) {
    const m = node.items[i]!;
    const name = m.type === 'atom' ? m.value.toUpperCase() : '';
    if (name === 'CHANGEDSINCE') changedSince = numberArg(node.items[++i], 'CHANGEDSINCE');
    else if (name === 'VANISHED') vanished = true;
    else throw bad('Unknown FETCH modifier');
  }
  // RFC 7162 3.2.6: VANISHED only in UID FETCH, with QRESYNC enabled and together with CHANGEDSINCE.
  if (vanished && (!options.uid || !options.qresync || changedSince === null)) throw bad('VANISHED needs UID FETCH, QRESYNC and CHANGEDSINCE');
  return { changedSince, vanished };
}
