// The shape every POP3 command file exports, and how handlers answer.
import type { Pop3Session } from './session.ts';

/** RFC 1939 states (UPDATE is entered by QUIT and never sees another command). */
export type Pop3State = 'authorization' | 'transaction';

export interface Pop3CommandContext {
  session: Pop3Session;
  verb: string;
  args: string[];
}

export interface Pop3CommandSpec {
  states: readonly Pop3State[];
  /** Arguments allowed: [min, max]. */
  args: readonly [number, number];
  handler(ctx: Pop3CommandContext): Promise<void>;
}

/** A handler's way of answering -ERR (optionally with an RFC 2449/3206 response code). */
export class Pop3CommandError extends Error {
  readonly responseCode: string | undefined;
  constructor(text: string, responseCode?: string) {
    super(text);
    this.name = 'Pop3CommandError';
    this.responseCode = responseCode;
  }
}

export const err = (text: string, responseCode?: string): Pop3CommandError => new Pop3CommandError(text, responseCode);
