// FETCH / UID FETCH (RFC 3501 6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/VANISHED).
// Message bodies are streamed from the store by byte range; only the parsed structure is cached.
import type { CommandContext, CommandSpec } from '../command-types.ts';
import { bad, no } from '../command-types.ts';
import type { MessageMeta } from '../../../maildir/types.ts';
import type { ImapNode } from '../protocol/tokenizer.ts';
import { atom, formatInternalDate, serialize, serializeToBuffer } from '../protocol/response.ts';
import type { ImapValue } from '../protocol/response.ts';
import { bodyStructure, decodeTransfer, envelope, sectionRange, transferEncoding } from '../protocol/mime-structure.ts';
import type { MimePart, SectionSpecifier } from '../protocol/mime-structure.ts';
import { formatSequenceSet } from '../protocol/sequence-set.ts';
import { SelectedMailbox, flagList } from '../selected-mailbox.ts';
import { imapServerLimits } from '../../../base/limits.ts';
import type { ImapSession, OutputPart } from '../session.ts';
import { enableCondstore, numberArg, requireSelected, resolveMessages } from './helpers.ts';
import type { MessageRef } from './helpers.ts';

type SimpleItem = 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE' | 'MODSEQ';

export interface SectionItem {
  kind: 'section';
  /** BODY, BINARY, RFC822, RFC822.HEADER, RFC822.TEXT */
  label: string;
  binary: boolean;
  setsSeen: boolean;
  path: number[];
  spec: SectionSpecifier;
  /** The section text echoed in the response, e.g. "1.HEADER.FIELDS (FROM)". */
  sectionText: string;
  partial: { start: number; length: number | null } | null;
}

export type FetchItem = { kind: 'simple'; name: SimpleItem } | SectionItem | { kind: 'binarysize'; path: number[]; sectionText: string };

const SIMPLE = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'MODSEQ']);
const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

function fieldNames(node: ImapNode | undefined): string[] {
  if (node?.type !== 'list' || !node.items.length) throw bad('Header field list expected');
  return node.items.map((n) => {
    const v = n.type === 'atom' ? n.value : n.type === 'string' ? n.value.toString('latin1') : '';
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(v)) throw bad('Invalid header field name');
    return v;
  });
}

/** Parse a section ("1.2.HEADER.FIELDS (FROM)") into part path and specifier. */
export function parseSection(nodes: ImapNode[], binary: boolean): { path: number[]; spec: SectionSpecifier; text: string } {
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

export function parseFetchItems(node: ImapNode | undefined): FetchItem[] {
  if (!node) throw bad('FETCH items expected');
  let nodes: ImapNode[];
  if (node.type === 'list') nodes = node.items;
  else if (node.type === 'atom' && !node.section && MACROS[node.value.toUpperCase()]) {
    nodes = MACROS[node.value.toUpperCase()]!.map((v) => ({ type: 'atom', value: v }));
  } else nodes = [node];
  if (!nodes.length) throw bad('FETCH items expected');
  const items: FetchItem[] = [];
  for (const n of nodes) {
    if (n.type !== 'atom') throw bad('Invalid FETCH item');
    const name = n.value.toUpperCase();
    if (n.section) {
      const binary = name.startsWith('BINARY');
      const { path, spec, text } = parseSection(n.section, binary);
      if (name === 'BINARY.SIZE') {
        if (n.partial) throw bad('BINARY.SIZE takes no range');
        items.push({ kind: 'binarysize', path, sectionText: text });
        continue;
      }
      if (n.partial && n.partial.length === 0) throw bad('Empty partial range');
      items.push({
        kind: 'section',
        label: binary ? 'BINARY' : 'BODY',
        binary,
        setsSeen: !name.endsWith('.PEEK'),
        path,
        spec,
        sectionText: text,
        partial: n.partial ?? null,
      });
      continue;
    }
    if (n.partial) throw bad('Invalid FETCH item');
    if (SIMPLE.has(name)) items.push({ kind: 'simple', name: name as SimpleItem });
    else if (name === 'RFC822')
      items.push({ kind: 'section', label: 'RFC822', binary: false, setsSeen: true, path: [], spec: { kind: 'all' }, sectionText: '', partial: null });
    else if (name === 'RFC822.HEADER')
      items.push({
        kind: 'section',
        label: 'RFC822.HEADER',
        binary: false,
        setsSeen: false,
        path: [],
        spec: { kind: 'header' },
        sectionText: 'HEADER',
        partial: null,
      });
    else if (name === 'RFC822.TEXT')
      items.push({
        kind: 'section',
        label: 'RFC822.TEXT',
        binary: false,
        setsSeen: true,
        path: [],
        spec: { kind: 'text' },
        sectionText: 'TEXT',
        partial: null,
      });
    else throw bad(`Unknown FETCH item ${name.slice(0, 30)}`);
  }
  return items;
}

/** How much of the message structure the items need: none, the top header, or all of it. */
function structureNeed(items: readonly FetchItem[]): 'none' | 'header' | 'full' {
  let need: 'none' | 'header' | 'full' = 'none';
  for (const i of items) {
    if (i.kind === 'simple') {
      if (i.name === 'BODY' || i.name === 'BODYSTRUCTURE') return 'full';
      if (i.name === 'ENVELOPE') need = 'header';
    } else if (i.kind === 'binarysize') return 'full';
    else if (i.spec.kind === 'all' && !i.path.length) continue;
    else if (!i.path.length && (i.spec.kind === 'header' || i.spec.kind === 'fields')) need = 'header';
    else return 'full';
  }
  return need;
}

/** Messages prepared ahead of the one being written (files opened, structures parsed). */
const PREFETCH = 16;

async function readRange(session: ImapSession, uid: number, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const stream = await session.selected!.handle.readMessage(uid, { start, end });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function literalHeader(len: number, binary: boolean): string {
  return `${binary ? '~' : ''}{${len}}\r\n`;
}

/** The parts of one item value: a literal from the store (streamed) or built in memory. */
async function sectionParts(session: ImapSession, meta: MessageMeta, structure: MimePart | null, item: SectionItem): Promise<OutputPart[] | null> {
  const handle = session.selected!.handle;
  let start: number;
  let end: number;
  let built: Buffer | null = null;
  if (!item.path.length && item.spec.kind === 'all') {
    start = 0;
    end = meta.size;
  } else {
    const range = sectionRange(structure!, item.path, item.spec);
    if (!range) {
      if (item.binary) return null;
      // A section that does not exist is an empty string (what Dovecot and others do).
      return [literalHeader(0, false)];
    }
    start = range.start;
    end = range.end;
    if (range.build) built = range.build(await readRange(session, meta.uid, start, end));
    if (item.binary && item.path.length) {
      const part = range.part;
      if (!part || part.contentType.type === 'multipart') return null;
      const decoded = decodeTransfer(await readRange(session, meta.uid, start, end), transferEncoding(part));
      if (!decoded) throw no('Unknown Content-Transfer-Encoding', 'UNKNOWN-CTE');
      built = decoded;
    }
  }
  let offset = 0;
  let length = built ? built.length : end - start;
  if (item.partial) {
    offset = Math.min(item.partial.start, length);
    length = Math.min(item.partial.length ?? Infinity, length - offset);
  }
  if (built) {
    const slice = built.subarray(offset, offset + length);
    return [literalHeader(slice.length, item.binary && slice.includes(0)), slice];
  }
  const from = start + offset;
  const to = from + length;
  if (length === 0) return [literalHeader(0, false)];
  if (length <= imapServerLimits.bufferedSectionBytes) {
    const bytes =
      !item.path.length && item.spec.kind === 'all' && !item.partial ? await handle.readMessageBuffer(meta.uid) : await readRange(session, meta.uid, from, to);
    return [literalHeader(bytes.length, false), bytes];
  }
  // Open the file now so a concurrent expunge cannot pull it away after the size is announced.
  const stream = await handle.readMessage(meta.uid, { start: from, end: to });
  return [literalHeader(length, false), { stream: stream, length }];
}

export async function runFetch(ctx: CommandContext): Promise<{ text: string } | void> {
  const { session, args, uid } = ctx;
  const sel = requireSelected(session);
  const refs = resolveMessages(sel, args[0], uid);
  const items = parseFetchItems(args[1]);
  let changedSince: number | null = null;
  let vanished = false;
  if (args[2]) {
    const mods = args[2];
    if (mods.type !== 'list') throw bad('Invalid FETCH modifiers');
    for (let i = 0; i < mods.items.length; i++) {
      const m = mods.items[i]!;
      const name = m.type === 'atom' ? m.value.toUpperCase() : '';
      if (name === 'CHANGEDSINCE') changedSince = numberArg(mods.items[++i], 'CHANGEDSINCE');
      else if (name === 'VANISHED') vanished = true;
      else throw bad('Unknown FETCH modifier');
    }
    if (vanished && (!uid || !session.qresync || changedSince === null)) throw bad('VANISHED needs UID FETCH, QRESYNC and CHANGEDSINCE');
  }
  if (args.length > 3) throw bad('Too many arguments');
  if (uid && !items.some((i) => i.kind === 'simple' && i.name === 'UID')) items.unshift({ kind: 'simple', name: 'UID' });
  if (changedSince !== null || items.some((i) => i.kind === 'simple' && i.name === 'MODSEQ')) {
    enableCondstore(session);
    if (!items.some((i) => i.kind === 'simple' && i.name === 'MODSEQ')) items.push({ kind: 'simple', name: 'MODSEQ' });
  }

  if (vanished && changedSince !== null && refs.length) {
    const changes = await sel.handle.changesSince(changedSince);
    const lo = refs[0]!.uid;
    const setText = args[0]?.type === 'atom' ? args[0].value : '';
    const hiStar = setText.includes('*');
    const hi = hiStar ? Infinity : refs[refs.length - 1]!.uid;
    const gone = changes.vanished.filter((u) => u >= lo && u <= hi);
    if (gone.length) session.send([`* VANISHED (EARLIER) ${formatSequenceSet(gone)}\r\n`]);
  }
  if (!refs.length) return;

  let metas = await sel.handle.listMessages(SelectedMailbox.toUidSet(refs.map((r) => r.uid)));
  if (changedSince !== null) metas = metas.filter((m) => m.modseq > changedSince!);
  // Set \Seen first so the FLAGS we return are the new ones.
  let seenChanged = new Set<number>();
  if (!sel.readOnly && items.some((i) => i.kind === 'section' && i.setsSeen)) {
    const unseen = metas.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.uid);
    if (unseen.length) {
      const res = await sel.handle.setFlags(SelectedMailbox.toUidSet(unseen), { mode: 'add', flags: ['\\Seen'], origin: session });
      const byUid = new Map(res.updated.map((m) => [m.uid, m]));
      metas = metas.map((m) => byUid.get(m.uid) ?? m);
      seenChanged = new Set(unseen);
    }
  }
  const msnByUid = new Map<number, MessageRef>(refs.map((r) => [r.uid, r]));
  const need = structureNeed(items);
  const user = session.user!.address;

  /** One message's response parts, or null when it was expunged meanwhile. */
  const build = async (meta: MessageMeta): Promise<OutputPart[] | null> => {
    const ref = msnByUid.get(meta.uid);
    if (!ref) return null;
    const out: OutputPart[] = [`* ${ref.msn} FETCH (`];
    try {
      const structure =
        need === 'full'
          ? await session.shared.structures.get(user, sel.handle, meta)
          : need === 'header'
            ? await session.shared.structures.getHeader(user, sel.handle, meta)
            : null;
      let first = true;
      const label = (text: string) => {
        out.push(first ? text + ' ' : ' ' + text + ' ');
        first = false;
      };
      const push = (name: string, value: ImapValue) => {
        label(name);
        const parts: (string | Buffer)[] = [];
        serialize(value, parts, session.utf8);
        out.push(...parts);
      };
      for (const item of items) {
        if (item.kind === 'simple') {
          switch (item.name) {
            case 'UID':
              push('UID', meta.uid);
              break;
            case 'FLAGS':
              push('FLAGS', flagList(meta.flags));
              break;
            case 'INTERNALDATE':
              push('INTERNALDATE', formatInternalDate(meta.internalDate));
              break;
            case 'RFC822.SIZE':
              push('RFC822.SIZE', meta.size);
              break;
            case 'MODSEQ':
              push('MODSEQ', [meta.modseq]);
              break;
            case 'ENVELOPE':
              label('ENVELOPE');
              out.push(memo(structure!, 'envelope', () => envelope(structure!)));
              break;
            case 'BODY':
              label('BODY');
              out.push(memo(structure!, 'body', () => bodyStructure(structure!, false)));
              break;
            case 'BODYSTRUCTURE':
              label('BODYSTRUCTURE');
              out.push(memo(structure!, 'bodystructure', () => bodyStructure(structure!, true)));
              break;
          }
        } else if (item.kind === 'binarysize') {
          const range = sectionRange(structure!, item.path, { kind: 'all' });
          let size = 0;
          if (range && item.path.length && range.part && range.part.contentType.type !== 'multipart') {
            const decoded = decodeTransfer(await readRange(session, meta.uid, range.start, range.end), transferEncoding(range.part));
            if (!decoded) throw no('Unknown Content-Transfer-Encoding', 'UNKNOWN-CTE');
            size = decoded.length;
          } else if (range) size = range.end - range.start;
          push(`BINARY.SIZE[${item.sectionText}]`, size);
        } else {
          const parts = await sectionParts(session, meta, structure, item);
          if (!parts) throw no('No such part or part cannot be decoded', 'UNKNOWN-CTE');
          label(
            item.label === 'BODY' || item.label === 'BINARY'
              ? `${item.label}[${item.sectionText}]${item.partial ? `<${item.partial.start}>` : ''}`
              : item.label,
          );
          out.push(...parts);
        }
      }
      if (seenChanged.has(meta.uid) && !items.some((i) => i.kind === 'simple' && i.name === 'FLAGS')) push('FLAGS', flagList(meta.flags));
      out.push(')\r\n');
      return out;
    } catch (err) {
      releaseStreams(out);
      // The message went away between listing and reading: leave it out.
      if ((err as { code?: string }).code === 'MESSAGE_GONE') return null;
      throw err;
    }
  };

  // Metadata only (FLAGS, UID, MODSEQ, sizes, dates): no file is read, so no need to go async
  // per message.
  if (need === 'none' && items.every((i) => i.kind === 'simple')) {
    let lines: Buffer[] = [];
    let bytes = 0;
    const withFlags = (uid: number) => seenChanged.has(uid) && !items.some((i) => i.kind === 'simple' && i.name === 'FLAGS');
    for (const meta of metas) {
      const ref = msnByUid.get(meta.uid);
      if (!ref) continue;
      const values: ImapValue[] = [];
      for (const item of items as Array<{ kind: 'simple'; name: SimpleItem }>) {
        switch (item.name) {
          case 'UID':
            values.push(atom('UID'), meta.uid);
            break;
          case 'FLAGS':
            values.push(atom('FLAGS'), flagList(meta.flags));
            break;
          case 'INTERNALDATE':
            values.push(atom('INTERNALDATE'), formatInternalDate(meta.internalDate));
            break;
          case 'RFC822.SIZE':
            values.push(atom('RFC822.SIZE'), meta.size);
            break;
          case 'MODSEQ':
            values.push(atom('MODSEQ'), [meta.modseq]);
            break;
          default:
        }
      }
      if (withFlags(meta.uid)) values.push(atom('FLAGS'), flagList(meta.flags));
      const line = Buffer.from(`* ${ref.msn} FETCH ${serializeToBuffer(values).toString('latin1')}\r\n`, 'latin1');
      lines.push(line);
      bytes += line.length;
      if (bytes > 256 * 1024) {
        await session.send([Buffer.concat(lines)]);
        lines = [];
        bytes = 0;
      }
    }
    if (lines.length) session.send([Buffer.concat(lines)]);
    return;
  }

  // Prepare a few messages ahead (open files, parse structures) while earlier ones are written.
  const pending: Array<Promise<OutputPart[] | null | { error: unknown }>> = [];
  let next = 0;
  const fill = () => {
    while (pending.length < PREFETCH && next < metas.length) pending.push(build(metas[next++]!).catch((error: unknown) => ({ error })));
  };
  let batch: OutputPart[] = [];
  let batchBytes = 0;
  let missing = 0;
  try {
    fill();
    while (pending.length) {
      const built = await pending.shift()!;
      fill();
      if (built && 'error' in built) throw built.error;
      if (!built) {
        missing++;
        continue;
      }
      if (session.isClosed) {
        // The client went away: stop opening files (the finally below closes those opened ahead).
        releaseStreams(built);
        break;
      }
      let hasStream = false;
      for (const p of built) {
        if (typeof p === 'string' || Buffer.isBuffer(p)) batchBytes += p.length;
        else hasStream = true;
      }
      batch.push(...built);
      if (hasStream || batchBytes > 256 * 1024) {
        await session.send(batch);
        batch = [];
        batchBytes = 0;
      }
    }
  } finally {
    // On an error, close whatever was opened ahead.
    for (const p of pending.splice(0)) void p.then((b) => b && !('error' in b) && releaseStreams(b));
  }
  if (batch.length) session.send(batch);
  if (missing) return { text: 'Some messages were expunged and are not shown' };
}

/** Serialised ENVELOPE/BODY/BODYSTRUCTURE per cached structure (they never change). */
const serialised = new WeakMap<MimePart, Partial<Record<'envelope' | 'body' | 'bodystructure', Buffer>>>();
function memo(part: MimePart, kind: 'envelope' | 'body' | 'bodystructure', make: () => ImapValue): Buffer {
  let m = serialised.get(part);
  if (!m) serialised.set(part, (m = {}));
  return (m[kind] ??= serializeToBuffer(make()));
}

function releaseStreams(parts: readonly OutputPart[]): void {
  for (const p of parts) if (typeof p === 'object' && !Buffer.isBuffer(p)) p.stream.destroy();
}

export const fetch: CommandSpec = {
  states: ['selected'],
  allowExpunge: false,
  handler: runFetch,
};
