// The shape every command file exports and the errors handlers throw.
import type { ImapNode } from './protocol/tokenizer.ts';
import type { ImapSession } from './session.ts';

export type SessionState = 'notAuthenticated' | 'authenticated' | 'selected' | 'logout';

export interface CommandContext {
  session: ImapSession;
  tag: string;
  /** Verb without the UID prefix. */
  name: string;
  uid: boolean;
  args: ImapNode[];
}

export interface CommandResult {
  status?: 'OK' | 'NO' | 'BAD';
  code?: string;
  text?: string;
  /** The handler already wrote the tagged reply (STARTTLS must answer before the handshake). */
  replied?: boolean;
}

export interface CommandSpec {
  /** States in which the command is allowed. */
  states: readonly SessionState[];
  /**
   * False for FETCH, STORE and SEARCH by sequence number: pending EXPUNGEs must not be sent while
   * they run or right after them (RFC 3501 7.4.1), since the client's MSNs would shift.
   */
  allowExpunge?: boolean;
  /**
   * False for commands that do not concern the selected mailbox (LIST, STATUS, CREATE, …): like
   * Dovecot, the changes other sessions made wait for a command that does (NOOP, FETCH, SELECT,
   * …). A client about to SELECT elsewhere would otherwise be sent a backlog it then throws away.
   */
  reportsChanges?: boolean;
  handler(ctx: CommandContext): Promise<CommandResult | void>;
}

/** A handler's way of answering NO or BAD. */
export class CommandError extends Error {
  readonly status: 'NO' | 'BAD';
  readonly code: string | undefined;
  constructor(status: 'NO' | 'BAD', text: string, code?: string) {
    super(text);
    this.name = 'CommandError';
    this.status = status;
    this.code = code;
  }
}

export const bad = (text: string, code?: string): CommandError => new CommandError('BAD', text, code);
export const no = (text: string, code?: string): CommandError => new CommandError('NO', text, code);
