// Watching the inbox between syncs: the `idle` connection sits in IDLE on it (RFC 2177), and
// what the server reports there (new mail, expunges, flag changes) syncs the inbox moments later.
import type { MailboxRow } from '../cache/mailboxes.ts';
import type { ImapConnections } from './connections.ts';

/** Changes reported within this window are synced together. */
const SETTLE_MS = 30;

export class InboxWatch {
  private timer: NodeJS.Timeout | null = null;
  private readonly conns: ImapConnections;
  private readonly inbox: () => MailboxRow | undefined;
  private readonly onChange: () => void;

  constructor(conns: ImapConnections, inbox: () => MailboxRow | undefined, onChange: () => void) {
    this.conns = conns;
    this.inbox = inbox;
    this.onChange = onChange;
  }

  /** Starts (or keeps) the IDLE connection on the inbox. */
  async ensure(): Promise<void> {
    if (this.conns.usable('idle') || this.conns.opening('idle')) return;
    const inbox = this.inbox();
    if (!inbox) return;
    const c = await this.conns.get('idle');
    await c.mailboxOpen(inbox.path, { readOnly: true });
    const changed = (e: { path: string }) => {
      if (e.path === inbox.path) this.soon();
    };
    c.on('exists', changed);
    c.on('expunge', changed);
    c.on('flags', changed);
    // idle() keeps re-issuing IDLE every syncLimits.idleRestartMs until the connection ends.
    void c.idle().catch(() => {});
  }

  /** True while the inbox is watched. */
  get idling(): boolean {
    return this.conns.idling('idle');
  }

  private soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, SETTLE_MS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
