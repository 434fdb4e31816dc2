// Parsed MIME structures (offsets and header values, never bodies) of recently used messages,
// shared by all sessions of a server. Keyed by user, mailbox, UIDVALIDITY and UID, which never
// name two different messages.
import type { MailboxHandle, MessageMeta } from '../store/types.ts';
import { parseMessageStructure } from './protocol/mime-structure.ts';
import type { MimePart } from './protocol/mime-structure.ts';

export class StructureCache {
  private readonly entries = new Map<string, MimePart>();
  private readonly max: number;

  constructor(maxEntries: number) {
    this.max = maxEntries;
  }

  async get(user: string, handle: MailboxHandle, meta: MessageMeta): Promise<MimePart> {
    const key = `${user}\0${handle.name}\0${handle.uidValidity}\0${meta.uid}\0${meta.size}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const buf = await handle.readMessageBuffer(meta.uid);
    const part = parseMessageStructure(buf);
    this.entries.set(key, part);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return part;
  }
}
