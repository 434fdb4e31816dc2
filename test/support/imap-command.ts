// One IMAP command line through the server's command reader and tokenizer, as a session gets it,
// and the text of the BAD a parser answers it with.
import { expect } from 'vitest';
import { CommandReader } from '../../src/main/server/imap/protocol/command-reader.ts';
import { tokenizeCommand } from '../../src/main/server/imap/protocol/tokenizer.ts';
import type { ParsedCommand } from '../../src/main/server/imap/protocol/tokenizer.ts';
import { CommandError } from '../../src/main/server/imap/command-types.ts';
import { imapServerLimits } from '../../src/main/base/limits.ts';

/** Tokenize "FETCH 1 (FLAGS)" (tag added; literals must be LITERAL+ so no continuation is asked for). */
export function tokenizeLine(line: string): ParsedCommand {
  const events = new CommandReader(imapServerLimits).push(Buffer.from(`t ${line}\r\n`, 'latin1'));
  const event = events[0];
  if (events.length !== 1 || event?.kind !== 'command') throw new Error(`not one command: ${JSON.stringify(line)}`);
  return tokenizeCommand(event.command);
}

/** The text of the BAD that parse() throws (the test fails if it throws anything else or nothing). */
export function badText(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).status).toBe('BAD');
    return (err as CommandError).message;
  }
  throw new Error('parsed without a BAD');
}
