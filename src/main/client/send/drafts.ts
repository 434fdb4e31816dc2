// Drafts: saved durably here first (one JSON file per draft), then their copy in the account's
// Drafts folder is replaced in the background, one server change at a time per draft, so a
// burst of autosaves ends with the latest one there. Sending a draft removes it.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ComposeMessage, Identity } from '../../../shared/api.ts';
import { atomicWriteFileSync } from '../../base/fs-durable.ts';
import type { Logger } from '../../base/log.ts';
import { composeMessage, identityOf, resolveAttachments, type AttachmentOf } from './compose.ts';

export interface DraftsDeps {
  dataDir: string;
  log: Logger;
  /** Who the account writes as. */
  account(accountId: string): { identities: Identity[] };
  attachmentOf: AttachmentOf;
  /** Replaces the server copy of a draft (delete the old one by Message-ID, append the new). */
  saveDraftToServer(accountId: string, raw: Buffer, messageId: string): Promise<void>;
  deleteDraftFromServer(accountId: string, messageId: string): Promise<void>;
  now?: () => number;
}

interface StoredDraft {
  draftId: string;
  saved: number;
  /** The Message-ID of its server copy: stable across saves, so each save replaces the last. */
  serverMessageId: string;
  message: ComposeMessage;
}

export class Drafts {
  private readonly dir: string;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly d: DraftsDeps;

  constructor(deps: DraftsDeps) {
    this.d = deps;
    this.dir = path.join(deps.dataDir, 'drafts');
    mkdirSync(this.dir, { recursive: true });
  }

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  private file(draftId: string): string {
    return path.join(this.dir, `${draftId.replace(/[^A-Za-z0-9-]/g, '')}.json`);
  }

  /** Saves a draft durably here, then replaces its copy in the server's Drafts folder (in the background). */
  save(m: ComposeMessage): { draftId: string } {
    const draftId = m.draftId ?? randomUUID();
    const prev = this.read(draftId);
    const domain = (this.d.account(m.accountId).identities[m.identity]?.email ?? 'x@hearth.invalid').split('@')[1];
    const draft: StoredDraft = {
      draftId,
      saved: this.now(),
      serverMessageId: prev?.serverMessageId ?? `<draft.${draftId}@${domain}>`,
      message: { ...m, draftId },
    };
    atomicWriteFileSync(this.file(draftId), JSON.stringify(draft));
    this.chain(draftId, async () => {
      const latest = this.read(draftId);
      if (!latest || latest.saved !== draft.saved) return; // a newer save will do it
      const identity = identityOf(this.d.account(latest.message.accountId).identities, latest.message.identity);
      const built = await composeMessage(latest.message, identity, await resolveAttachments(latest.message, this.d.attachmentOf), {
        messageId: latest.serverMessageId,
        draft: true,
      });
      await this.d.saveDraftToServer(m.accountId, built.raw, latest.serverMessageId);
    });
    return { draftId };
  }

  private read(draftId: string): StoredDraft | null {
    try {
      return JSON.parse(readFileSync(this.file(draftId), 'utf8')) as StoredDraft;
    } catch {
      return null;
    }
  }

  private chain(draftId: string, fn: () => Promise<void>): void {
    const next = (this.chains.get(draftId) ?? Promise.resolve())
      .then(fn)
      .catch((e: unknown) => this.d.log.info('draft not saved to the server (kept here)', { draftId, message: (e as Error).message }));
    this.chains.set(draftId, next);
  }

  /** Resolves when server-side draft work queued so far is done (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  /** Every draft, the last saved first. */
  list(): { draftId: string; saved: number; message: ComposeMessage }[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => this.read(f.slice(0, -5)))
      .filter((d): d is StoredDraft => d !== null)
      .sort((a, b) => b.saved - a.saved)
      .map(({ draftId, saved, message }) => ({ draftId, saved, message }));
  }

  /** Removes a draft here, and its copy on the server (in the background). */
  delete(draftId: string): void {
    const d = this.read(draftId);
    rmSync(this.file(draftId), { force: true });
    if (d) this.chain(draftId, () => this.d.deleteDraftFromServer(d.message.accountId, d.serverMessageId));
  }

  async close(): Promise<void> {
    await this.settled();
  }
}
