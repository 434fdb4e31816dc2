// FETCH / UID FETCH (RFC 3501 6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/VANISHED): the request
// is parsed first (protocol/fetch-request.ts), then executed here. Message bodies are streamed from
// the store by byte range; only the parsed structure is cached.
import type { CommandContext, CommandResult, CommandSpec } from '../command-types.ts';
import { no } from '../command-types.ts';
import type { MailboxHandle, MessageMeta } from '../../../maildir/types.ts';
import { atom, formatInternalDate, serialize, serializeToBuffer } from '../protocol/response.ts';
import type { ImapValue } from '../protocol/response.ts';
import { decodeTransfer } from '../../../mail/decode.ts';
import { transferEncoding } from '../../../mail/mime-tree.ts';
import type { MimePart } from '../../../mail/mime-tree.ts';
import { bodyStructure } from '../protocol/body-structure.ts';
import { envelope } from '../protocol/envelope.ts';
import { sectionRange, type SectionRange } from '../protocol/sections.ts';
import { parseFetchRequest } from '../protocol/fetch-request.ts';
import type { BinarySizeItem, FetchItem, MetadataItem, MetadataName, SectionItem, StructureItem, StructureName } from '../protocol/fetch-request.ts';
import { formatSequenceSet } from '../protocol/sequence-set.ts';
import type { SeqRange } from '../protocol/sequence-set.ts';
import { SelectedMailbox, flagList } from '../selected-mailbox.ts';
import { imapServerLimits } from '../../../base/limits.ts';
import { TimeSlice } from '../../../base/event-loop.ts';
import type { ImapSession, OutputPart } from '../session.ts';
import { enableCondstore, messagesInSet, requireSelected } from './helpers.ts';
import type { MessageRef } from './helpers.ts';

export const fetch: CommandSpec = {
  states: ['selected'],
  allowExpunge: false,
  handler: runFetch,
};

async function runFetch({ session, args, uid }: CommandContext): Promise<CommandResult | void> {
  const sel = requireSelected(session);
  const request = parseFetchRequest(args, { uid, qresync: session.qresync });
  const refs = messagesInSet(sel, request.sequenceSet, uid);
  if (request.enablesCondstore) enableCondstore(session);
  const { changedSince } = request;
  if (request.vanished && changedSince !== null && refs.length) await reportVanished(session, sel, request.sequenceSet, refs, changedSince);
  if (!refs.length) return;
  let metas = await sel.handle.listMessages(SelectedMailbox.toUidSet(refs.map((r) => r.uid)));
  if (changedSince !== null) metas = metas.filter((m) => m.modseq > changedSince);
  // Set \Seen first so the FLAGS we return are the new ones.
  const setsSeen = !sel.readOnly && request.items.some((i) => i.kind === 'section' && i.setsSeen);
  const seen = setsSeen ? await markSeen(session, sel, metas) : { metas, changed: new Set<number>() };
  session.announceKeywords();
  const plan: FetchPlan = {
    session,
    sel,
    user: session.user!.address,
    handle: sel.handle,
    items: request.items,
    msnByUid: new Map<number, MessageRef>(refs.map((r) => [r.uid, r])),
    need: structureNeed(request.items),
    envelopeOnly: request.items.every((i) => i.kind === 'metadata' || (i.kind === 'structure' && i.name === 'ENVELOPE')),
    seenChanged: seen.changed,
    seenItems: seenChangeItems(request.items, session.condstore),
  };
  // Metadata only (FLAGS, UID, MODSEQ, sizes, dates): no file is read, so no need to go async per message.
  if (request.items.every((i) => i.kind === 'metadata')) return writeMetadataResponses(plan, seen.metas);
  if (request.items.every((i) => i.kind === 'metadata' || isWholeMessage(i))) return writeWholeMessages(plan, seen.metas);
  return writeResponses(plan, seen.metas);
}

/** What building each message's response needs, worked out once per command. */
interface FetchPlan {
  session: ImapSession;
  /** The session's view: its \Recent goes into FLAGS. */
  sel: SelectedMailbox;
  user: string;
  handle: MailboxHandle;
  items: readonly FetchItem[];
  msnByUid: ReadonlyMap<number, MessageRef>;
  need: StructureNeed;
  /** The items are ENVELOPE and metadata: a kept serialised ENVELOPE answers without the structure. */
  envelopeOnly: boolean;
  /** UIDs whose \Seen this command set: their responses carry seenItems too. */
  seenChanged: ReadonlySet<number>;
  seenItems: readonly MetadataName[];
}

/**
 * What a response tells, unasked, of a message whose \Seen the command set: its FLAGS (RFC 3501
 * 6.4.5) and, once CONDSTORE is on, its UID and new MODSEQ (RFC 7162 3.2.4).
 */
function seenChangeItems(items: readonly FetchItem[], condstore: boolean): MetadataName[] {
  const asked = new Set(items.flatMap((i) => (i.kind === 'metadata' ? [i.name] : [])));
  const told: MetadataName[] = condstore ? ['UID', 'FLAGS', 'MODSEQ'] : ['FLAGS'];
  return told.filter((name) => !asked.has(name));
}

/** RFC 7162 3.2.6: "* VANISHED (EARLIER) uids" for the set's UIDs expunged since CHANGEDSINCE. */
async function reportVanished(
  session: ImapSession,
  sel: SelectedMailbox,
  set: readonly SeqRange[],
  refs: readonly MessageRef[],
  changedSince: number,
): Promise<void> {
  const changes = await sel.handle.changesSince(changedSince);
  const lo = refs[0]!.uid;
  // "n:*" reaches past the highest UID still there: expunged UIDs above it count too.
  const hi = set.some(([, b]) => b === Infinity) ? Infinity : refs[refs.length - 1]!.uid;
  const gone = changes.vanished.filter((u) => u >= lo && u <= hi);
  if (gone.length) session.send([`* VANISHED (EARLIER) ${formatSequenceSet(gone)}\r\n`]);
}

/** Sets \Seen on the unseen ones; returns the metadata with the new flags and the UIDs changed. */
async function markSeen(session: ImapSession, sel: SelectedMailbox, metas: MessageMeta[]): Promise<{ metas: MessageMeta[]; changed: Set<number> }> {
  const unseen = metas.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.uid);
  if (!unseen.length) return { metas, changed: new Set() };
  const res = await sel.handle.setFlags(SelectedMailbox.toUidSet(unseen), { mode: 'add', flags: ['\\Seen'], origin: session });
  const byUid = new Map(res.updated.map((m) => [m.uid, m]));
  return { metas: metas.map((m) => byUid.get(m.uid) ?? m), changed: new Set(unseen) };
}

type StructureNeed = 'none' | 'header' | 'full';

/** How much of the message structure the items need: none, the top header, or all of it. */
function structureNeed(items: readonly FetchItem[]): StructureNeed {
  let need: StructureNeed = 'none';
  for (const i of items) {
    if (i.kind === 'metadata') continue;
    if (i.kind === 'structure') {
      if (i.name === 'BODY' || i.name === 'BODYSTRUCTURE') return 'full';
      need = 'header';
    } else if (i.kind === 'binarySize') return 'full';
    else if (i.spec.kind === 'all' && !i.path.length) continue;
    else if (!i.path.length && (i.spec.kind === 'header' || i.spec.kind === 'fields')) need = 'header';
    else return 'full';
  }
  return need;
}

// ---- responses built from metadata alone ----

/** The metadata-only responses, synchronously, written in batches of imapServerLimits.fetchBatchBytes. */
async function writeMetadataResponses({ session, sel, items, msnByUid, seenChanged, seenItems }: FetchPlan, metas: readonly MessageMeta[]): Promise<void> {
  let lines: Buffer[] = [];
  let bytes = 0;
  const slice = new TimeSlice(imapServerLimits.fetchSliceMs);
  for (const meta of metas) {
    const ref = msnByUid.get(meta.uid);
    if (!ref) continue;
    const values: ImapValue[] = [];
    // runFetch sends only metadata items this way.
    for (const item of items as readonly MetadataItem[]) values.push(atom(item.name), metadataValue(item.name, meta, sel));
    if (seenChanged.has(meta.uid)) for (const name of seenItems) values.push(atom(name), metadataValue(name, meta, sel));
    const line = Buffer.from(`* ${ref.msn} FETCH ${serializeToBuffer(values).toString('latin1')}\r\n`, 'latin1');
    lines.push(line);
    bytes += line.length;
    if (bytes > imapServerLimits.fetchBatchBytes) {
      await session.send([Buffer.concat(lines)]);
      lines = [];
      bytes = 0;
      await slice.yield();
    }
  }
  if (lines.length) session.send([Buffer.concat(lines)]);
}

function metadataValue(name: MetadataName, meta: MessageMeta, sel: SelectedMailbox): ImapValue {
  switch (name) {
    case 'UID':
      return meta.uid;
    case 'FLAGS':
      return flagList(sel.flagsOf(meta));
    case 'INTERNALDATE':
      return formatInternalDate(meta.internalDate);
    case 'RFC822.SIZE':
      return meta.size;
    case 'MODSEQ':
      return [meta.modseq];
  }
}

// ---- whole messages (BODY[], BODY.PEEK[], RFC822): what clients that download mail ask for ----

/** BODY[] / BODY.PEEK[] / RFC822 without a partial window or BINARY: the stored bytes as they are. */
function isWholeMessage(i: FetchItem): boolean {
  return i.kind === 'section' && !i.path.length && i.spec.kind === 'all' && !i.partial && !i.binary;
}

/** Responses are assembled in buffers of this size and each goes out as one write. */
const WHOLE_BATCH_BYTES = 512 * 1024;
/** Batches a command fills ahead of what the socket has written (the next is filled meanwhile). */
const BATCHES_AHEAD = 2;

/**
 * Batch buffers the socket has written out, kept for the next FETCH (of any session). A fresh
 * buffer costs a page fault for every 4 KB of it on first write: measured, that was more than
 * half of this command's CPU time (bench/imap-server.ts, fetchBody).
 */
const freeBatches: Buffer[] = [];
const FREE_BATCHES_MAX = 8;

/** Stands for the batch while the one just sent is being replaced. */
const SENT = Buffer.alloc(0);

function takeBatch(): Buffer {
  return freeBatches.pop() ?? Buffer.allocUnsafeSlow(WHOLE_BATCH_BYTES);
}

function giveBackBatch(b: Buffer): void {
  if (freeBatches.length < FREE_BATCHES_MAX) freeBatches.push(b);
}

/**
 * Whole messages read straight into the outgoing buffer: no allocation, promise or write per
 * message, which is most of the cost of a client downloading a folder. A message too large for a
 * buffer, or whose file is not where the index says, goes the general way (writeResponses).
 */
async function writeWholeMessages(plan: FetchPlan, metas: readonly MessageMeta[]): Promise<CommandResult | void> {
  const { session, sel, items, msnByUid, seenChanged, seenItems, handle } = plan;
  let batch = takeBatch();
  let used = 0;
  let missing = 0;
  /** Batches handed to the socket and not yet written out. */
  const ahead: Array<Promise<void>> = [];
  const flush = async () => {
    if (!used) return;
    const out = batch;
    const n = used;
    batch = SENT;
    used = 0;
    ahead.push(
      new Promise<void>((resolve) => {
        void session.send([out.subarray(0, n)], () => {
          giveBackBatch(out);
          resolve();
        });
      }),
    );
    if (ahead.length >= BATCHES_AHEAD) await ahead.shift();
    batch = takeBatch();
  };
  /** The general path, for a message this one cannot take: what is batched goes first. */
  const oneByOne = async (meta: MessageMeta) => {
    await flush();
    const built = await buildResponse(plan, meta);
    if (built) await session.send(built);
    else missing++;
  };
  try {
    for (const meta of metas) {
      const ref = msnByUid.get(meta.uid);
      if (!ref) continue;
      if (session.isClosed) break;
      // Texts around the literal(s) are short; the literal needs its size + 1 (to notice a longer file).
      const texts: string[] = [];
      let text = `* ${ref.msn} FETCH (`;
      let first = true;
      for (const item of items) {
        if (!first) text += ' ';
        first = false;
        if (item.kind === 'metadata') text += `${item.name} ${serializeToBuffer(metadataValue(item.name, meta, sel), session.utf8).toString('utf8')}`;
        else {
          texts.push(`${text}${(item as SectionItem).responseName} {${meta.size}}\r\n`);
          text = '';
        }
      }
      if (seenChanged.has(meta.uid))
        for (const name of seenItems) {
          text += `${first ? '' : ' '}${name} ${serializeToBuffer(metadataValue(name, meta, sel), session.utf8).toString('utf8')}`;
          first = false;
        }
      texts.push(`${text})\r\n`);
      const literals = texts.length - 1;
      const need = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) + literals * meta.size + 1;
      if (need > WHOLE_BATCH_BYTES) {
        await oneByOne(meta);
        continue;
      }
      if (used + need > WHOLE_BATCH_BYTES) await flush();
      const start = used;
      let read: number | null = 0;
      try {
        for (let i = 0; i < texts.length && read !== null; i++) {
          used += batch.write(texts[i]!, used, 'utf8');
          if (i < literals) {
            read = handle.readMessageInto(meta.uid, batch, used);
            if (read !== null) used += read;
          }
        }
      } catch (err) {
        used = start;
        if ((err as { code?: string }).code !== 'MESSAGE_GONE') throw err;
        missing++;
        continue;
      }
      if (read === null) {
        // Not readable in place (renamed meanwhile, or edited outside Hearth): the general path finds it.
        used = start;
        await oneByOne(meta);
      }
    }
    await flush();
  } finally {
    if (batch !== SENT) giveBackBatch(batch);
  }
  if (missing) return { text: 'Some messages were expunged and are not shown' };
}

// ---- responses that read the message ----

/** Messages prepared ahead of the one being written (files opened, structures parsed). */
const PREFETCH = 16;

/** Builds the responses a few messages ahead (open files, parse structures) while earlier ones are written. */
async function writeResponses(plan: FetchPlan, metas: readonly MessageMeta[]): Promise<CommandResult | void> {
  const { session } = plan;
  const pending: Array<Promise<OutputPart[] | null | { error: unknown }>> = [];
  let next = 0;
  // Messages whose structure is parsed already are answered in order without waiting (their
  // turn comes when nothing before them is pending); the others are built up to PREFETCH ahead.
  const fromCache = plan.items.every((i) => i.kind === 'metadata' || i.kind === 'structure');
  /** metas[next]'s response, built by fill from the cache when nothing is pending. */
  let ready: OutputPart[] | null | undefined;
  const fill = () => {
    while (pending.length < PREFETCH && next < metas.length) {
      if (fromCache && !pending.length && (ready = cachedResponse(plan, metas[next]!)) !== undefined) return;
      pending.push(buildResponse(plan, metas[next++]!).catch((error: unknown) => ({ error })));
    }
  };
  let batch: OutputPart[] = [];
  let batchBytes = 0;
  let missing = 0;
  const slice = new TimeSlice(imapServerLimits.fetchSliceMs);
  try {
    for (;;) {
      fill();
      let built: OutputPart[] | null | { error: unknown };
      if (pending.length) built = await pending.shift()!;
      else if (ready !== undefined) {
        built = ready;
        ready = undefined;
        next++;
      } else break;
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
      if (hasStream || batchBytes > imapServerLimits.fetchBatchBytes) {
        await session.send(batch);
        batch = [];
        batchBytes = 0;
        await slice.yield();
      }
    }
  } finally {
    // On an error, close whatever was opened ahead.
    for (const p of pending.splice(0)) void p.then((b) => b && !('error' in b) && releaseStreams(b));
  }
  if (batch.length) session.send(batch);
  if (missing) return { text: 'Some messages were expunged and are not shown' };
}

/** One message's response parts, or null when it was expunged meanwhile. */
async function buildResponse(plan: FetchPlan, meta: MessageMeta): Promise<OutputPart[] | null> {
  const ref = plan.msnByUid.get(meta.uid);
  if (!ref) return null;
  const { session, user, handle } = plan;
  const out: OutputPart[] = [`* ${ref.msn} FETCH (`];
  try {
    const kept = keptEnvelope(plan, meta);
    const structure = kept
      ? null
      : plan.need === 'full'
        ? await session.shared.structures.get(user, handle, meta)
        : plan.need === 'header'
          ? await session.shared.structures.getHeader(user, handle, meta)
          : null;
    for (const item of plan.items) {
      switch (item.kind) {
        case 'metadata':
        case 'structure':
          appendKnown(out, plan, meta, structure, item, kept);
          break;
        case 'binarySize':
          appendValue(out, item.responseName, await binarySize(handle, meta, structure!, item), session.utf8);
          break;
        case 'section': {
          const parts = await sectionParts(handle, meta, structure, item);
          if (!parts) throw no('No such part or part cannot be decoded', 'UNKNOWN-CTE');
          appendName(out, item.responseName);
          out.push(...parts);
          break;
        }
      }
    }
    return closeResponse(out, plan, meta);
  } catch (err) {
    releaseStreams(out);
    // The message went away between listing and reading: leave it out.
    if ((err as { code?: string }).code === 'MESSAGE_GONE') return null;
    throw err;
  }
}

/** An attribute's name: the first follows "(" directly, the others a space. */
/** The response from metadata and an already parsed structure; undefined when the structure must be read. */
function cachedResponse(plan: FetchPlan, meta: MessageMeta): OutputPart[] | null | undefined {
  const ref = plan.msnByUid.get(meta.uid);
  if (!ref) return null;
  const kept = keptEnvelope(plan, meta);
  const structure = kept || plan.need === 'none' ? null : plan.session.shared.structures.peek(plan.user, plan.handle, meta, plan.need);
  if (structure === undefined) return undefined;
  const out: OutputPart[] = [`* ${ref.msn} FETCH (`];
  for (const item of plan.items) appendKnown(out, plan, meta, structure, item as MetadataItem | StructureItem, kept);
  return closeResponse(out, plan, meta);
}

/** For a FETCH of ENVELOPE and metadata only: the message's serialised ENVELOPE if kept (then no structure is needed). */
function keptEnvelope(plan: FetchPlan, meta: MessageMeta): Buffer | undefined {
  return plan.envelopeOnly ? plan.session.shared.structures.envelope(plan.user, plan.handle, meta) : undefined;
}

/**
 * A metadata or structure item, from what is known without reading the message: the structure,
 * or for ENVELOPE the kept bytes (`envelope`). An ENVELOPE made from the structure is kept.
 */
function appendKnown(
  out: OutputPart[],
  plan: FetchPlan,
  meta: MessageMeta,
  structure: MimePart | null,
  item: MetadataItem | StructureItem,
  envelope: Buffer | undefined,
): void {
  if (item.kind === 'metadata') return appendValue(out, item.name, metadataValue(item.name, meta, plan.sel), plan.session.utf8);
  appendName(out, item.name);
  if (item.name !== 'ENVELOPE') return void out.push(serialisedStructure(structure!, item.name));
  out.push(envelope ?? plan.session.shared.structures.keepEnvelope(plan.user, plan.handle, meta, serialisedStructure(structure!, 'ENVELOPE')));
}

/** The items a \Seen set by this command adds (seenChangeItems), then the end. */
function closeResponse(out: OutputPart[], plan: FetchPlan, meta: MessageMeta): OutputPart[] {
  if (plan.seenChanged.has(meta.uid)) for (const name of plan.seenItems) appendValue(out, name, metadataValue(name, meta, plan.sel), plan.session.utf8);
  out.push(')\r\n');
  return out;
}

function appendName(out: OutputPart[], name: string): void {
  out.push(out.length === 1 ? name + ' ' : ' ' + name + ' ');
}

function appendValue(out: OutputPart[], name: string, value: ImapValue, utf8: boolean): void {
  appendName(out, name);
  const parts: (string | Buffer)[] = [];
  serialize(value, parts, utf8);
  out.push(...parts);
}

/** Serialised ENVELOPE/BODY/BODYSTRUCTURE per cached structure (they never change). */
const serialised = new WeakMap<MimePart, Partial<Record<StructureName, Buffer>>>();

function serialisedStructure(part: MimePart, name: StructureName): Buffer {
  let m = serialised.get(part);
  if (!m) serialised.set(part, (m = {}));
  return (m[name] ??= serializeToBuffer(name === 'ENVELOPE' ? envelope(part) : bodyStructure(part, name === 'BODYSTRUCTURE')));
}

const WHOLE_PART = { kind: 'all' } as const;

/** BINARY.SIZE: a leaf part's size once decoded; otherwise the section's size in bytes. */
async function binarySize(handle: MailboxHandle, meta: MessageMeta, structure: MimePart, item: BinarySizeItem): Promise<number> {
  const range = sectionRange(structure, item.path, WHOLE_PART);
  if (range && item.path.length && range.part && range.part.contentType.type !== 'multipart') {
    const decoded = decodeTransfer(await readRange(handle, meta.uid, range.start, range.end), transferEncoding(range.part));
    if (!decoded) throw no('Unknown Content-Transfer-Encoding', 'UNKNOWN-CTE');
    return decoded.length;
  }
  return range ? range.end - range.start : 0;
}

// ---- sections ----

/**
 * A section's value: a literal read from the store (streamed when large) or built in memory; null
 * when BINARY cannot give it. Each path is one async step, as the per-message work was before.
 */
function sectionParts(handle: MailboxHandle, meta: MessageMeta, structure: MimePart | null, item: SectionItem): Promise<OutputPart[] | null> {
  // The message itself (BODY[], BODY.PEEK[], RFC822) needs no structure.
  if (!item.path.length && item.spec.kind === 'all') return storedParts(handle, meta, 0, meta.size, item);
  const range = sectionRange(structure!, item.path, item.spec);
  // A section that does not exist is an empty string (what Dovecot and others do); BINARY refuses it.
  if (!range) return Promise.resolve(item.binary ? null : [literalHeader(0, false)]);
  if (item.binary && item.path.length) return decodedParts(handle, meta, range, item);
  if (range.build) return builtParts(handle, meta, range, range.build, item);
  return storedParts(handle, meta, range.start, range.end, item);
}

/** BINARY[part]: the leaf part's body with its Content-Transfer-Encoding undone (RFC 3516 4.1). */
async function decodedParts(handle: MailboxHandle, meta: MessageMeta, range: SectionRange, item: SectionItem): Promise<OutputPart[] | null> {
  const part = range.part;
  if (!part || part.contentType.type === 'multipart') return null;
  const decoded = decodeTransfer(await readRange(handle, meta.uid, range.start, range.end), transferEncoding(part));
  if (!decoded) throw no('Unknown Content-Transfer-Encoding', 'UNKNOWN-CTE');
  return inMemoryParts(decoded, item);
}

/** HEADER.FIELDS[.NOT]: the selected lines of the header. */
async function builtParts(
  handle: MailboxHandle,
  meta: MessageMeta,
  range: SectionRange,
  build: (header: Buffer) => Buffer,
  item: SectionItem,
): Promise<OutputPart[]> {
  return inMemoryParts(build(await readRange(handle, meta.uid, range.start, range.end)), item);
}

/** A section built in memory, or the partial window of it; "~{n}" when BINARY data holds NUL (RFC 3516 4.2). */
function inMemoryParts(built: Buffer, item: SectionItem): OutputPart[] {
  const offset = windowStart(item, built.length);
  const slice = built.subarray(offset, offset + windowLength(item, built.length, offset));
  return [literalHeader(slice.length, item.binary && slice.includes(0)), slice];
}

/** Bytes [start, end) of the stored message, or the partial window of them. */
async function storedParts(handle: MailboxHandle, meta: MessageMeta, start: number, end: number, item: SectionItem): Promise<OutputPart[]> {
  const offset = windowStart(item, end - start);
  const length = windowLength(item, end - start, offset);
  const from = start + offset;
  const to = from + length;
  if (length === 0) return [literalHeader(0, false)];
  if (length <= imapServerLimits.bufferedSectionBytes) {
    const whole = !item.path.length && item.spec.kind === 'all' && !item.partial;
    const bytes = whole ? await handle.readMessageBuffer(meta.uid) : await readRange(handle, meta.uid, from, to);
    return [literalHeader(bytes.length, false), bytes];
  }
  // Open the file now so a concurrent expunge cannot pull it away after the size is announced.
  const stream = await handle.readMessage(meta.uid, { start: from, end: to });
  return [literalHeader(length, false), { stream: stream, length }];
}

/** Where the "<start.length>" window begins in a section of `size` bytes (0 without one). */
function windowStart(item: SectionItem, size: number): number {
  return item.partial ? Math.min(item.partial.start, size) : 0;
}

/** How many bytes from `start` the window takes (the rest of the section without one). */
function windowLength(item: SectionItem, size: number, start: number): number {
  return item.partial ? Math.min(item.partial.length ?? Infinity, size - start) : size;
}

function literalHeader(len: number, binary: boolean): string {
  return `${binary ? '~' : ''}{${len}}\r\n`;
}

async function readRange(handle: MailboxHandle, uid: number, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  // Headers and parts of ordinary size: one synchronous read (a stream costs more than the bytes).
  if (end - start <= imapServerLimits.bufferedSectionBytes) {
    const buf = Buffer.allocUnsafe(end - start);
    if (handle.readMessageInto(uid, buf, 0, { start, end }) !== null) return buf;
  }
  const stream = await handle.readMessage(uid, { start, end });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function releaseStreams(parts: readonly OutputPart[]): void {
  for (const p of parts) if (typeof p === 'object' && !Buffer.isBuffer(p)) p.stream.destroy();
}
