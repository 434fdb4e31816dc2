// Parsed MIME structures (offsets and header values, never bodies) and serialised ENVELOPEs of
// recently used messages, shared by all sessions of a server. Keyed by user, mailbox, UIDVALIDITY
// and UID, which never name two different messages. Concurrent loads of one message share one read.
import type { MailboxHandle, MessageMeta } from '../../maildir/types.ts';
import { parseHeaderOnly, parseMessageStructure } from '../../mail/mime-tree.ts';
import type { MimePart } from '../../mail/mime-tree.ts';

/** How much of a message is read to find the end of its header when only the header is needed. */
const HEADER_PROBE_BYTES = 64 * 1024;

export class StructureCache {
  private readonly entries = new Map<string, Promise<MimePart>>();
  /** The entries whose load has finished, for callers that can go on without waiting (peek). */
  private readonly loaded = new Map<string, MimePart>();
  private readonly max: number;

  private readonly maxParsedBytes: number;
  /**
   * Serialised ENVELOPEs, least recently used first, within a byte budget: far smaller than the
   * structures, so many more of them stay, and a FETCH of ENVELOPEs over a mailbox larger than
   * the structure cache does not read every message again each time.
   */
  private readonly envelopes = new Map<string, Buffer>();
  private envelopeBytes = 0;
  private readonly maxEnvelopeBytes: number;

  constructor(maxEntries: number, maxParsedBytes: number, maxEnvelopeBytes = 0) {
    this.max = maxEntries;
    this.maxParsedBytes = maxParsedBytes;
    this.maxEnvelopeBytes = maxEnvelopeBytes;
  }

  /** The message's serialised ENVELOPE, if kept. */
  envelope(user: string, handle: MailboxHandle, meta: MessageMeta): Buffer | undefined {
    const key = this.key(user, handle, meta, 'envelope');
    const hit = this.envelopes.get(key);
    if (hit) {
      this.envelopes.delete(key);
      this.envelopes.set(key, hit);
    }
    return hit;
  }

  /** Keeps a message's serialised ENVELOPE (dropping the least recently used over the budget); returns it. */
  keepEnvelope(user: string, handle: MailboxHandle, meta: MessageMeta, bytes: Buffer): Buffer {
    const key = this.key(user, handle, meta, 'envelope');
    const old = this.envelopes.get(key);
    if (old) this.envelopeBytes -= old.length;
    this.envelopes.delete(key);
    this.envelopes.set(key, bytes);
    this.envelopeBytes += bytes.length;
    for (const [k, b] of this.envelopes) {
      if (this.envelopeBytes <= this.maxEnvelopeBytes) break;
      this.envelopes.delete(k);
      this.envelopeBytes -= b.length;
    }
    return bytes;
  }

  private key(user: string, handle: MailboxHandle, meta: MessageMeta, kind: 'full' | 'header' | 'envelope'): string {
    return `${kind}\0${user}\0${handle.name}\0${handle.uidValidity}\0${meta.uid}\0${meta.size}`;
  }

  private remember(key: string, load: () => Promise<MimePart>): Promise<MimePart> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const p = load();
    this.entries.set(key, p);
    p.then(
      (part) => {
        if (this.entries.get(key) === p) this.loaded.set(key, part);
      },
      // A failed load (message gone) is not kept.
      () => this.entries.delete(key),
    );
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value!;
      this.entries.delete(oldest);
      this.loaded.delete(oldest);
    }
    return p;
  }

  /**
   * What get (`full`) or getHeader (`header`) would give, when it is already parsed; undefined
   * when it must be read first. Lets FETCH of ENVELOPE/BODYSTRUCTURE answer cached messages
   * without a promise per message.
   */
  peek(user: string, handle: MailboxHandle, meta: MessageMeta, need: 'full' | 'header'): MimePart | undefined {
    const full = this.loaded.get(this.key(user, handle, meta, 'full'));
    if (full || (need === 'full' && meta.size <= this.maxParsedBytes) || (need === 'header' && meta.size <= HEADER_PROBE_BYTES)) return full;
    return this.loaded.get(this.key(user, handle, meta, 'header'));
  }

  /**
   * The whole structure (BODYSTRUCTURE, sections). Messages larger than maxParsedBytes are not
   * read into memory: they get their top header only (one part, no sub-parts).
   */
  get(user: string, handle: MailboxHandle, meta: MessageMeta): Promise<MimePart> {
    if (meta.size > this.maxParsedBytes) return this.headerOnly(user, handle, meta);
    return this.remember(this.key(user, handle, meta, 'full'), async () => parseMessageStructure(await handle.readMessageBuffer(meta.uid)));
  }

  /** The top-level header only (ENVELOPE, BODY[HEADER...]); reads just the start of the file. */
  getHeader(user: string, handle: MailboxHandle, meta: MessageMeta): Promise<MimePart> {
    const full = this.entries.get(this.key(user, handle, meta, 'full'));
    if (full) return full;
    if (meta.size <= HEADER_PROBE_BYTES) return this.get(user, handle, meta);
    return this.headerOnly(user, handle, meta);
  }

  private headerOnly(user: string, handle: MailboxHandle, meta: MessageMeta): Promise<MimePart> {
    return this.remember(this.key(user, handle, meta, 'header'), async () => {
      const stream = await handle.readMessage(meta.uid, { start: 0, end: HEADER_PROBE_BYTES });
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      const head = Buffer.concat(chunks);
      // A header longer than the probe: treat the probe as the header (bounded memory).
      return parseHeaderOnly(head, meta.size) ?? parseHeaderOnly(head, meta.size, true)!;
    });
  }
}
