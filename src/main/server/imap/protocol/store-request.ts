// STORE / UID STORE arguments (RFC 3501 6.4.6, RFC 7162 3.1.3 UNCHANGEDSINCE) into a typed request.
// Pure: nothing is resolved or changed here; a malformed request is a BAD.
import type { ImapNode } from './tokenizer.ts';
import type { SeqRange } from './sequence-set.ts';
import type { FlagMode } from '../../../maildir/types.ts';
import { flagsArg, numberArg, sequenceSetArg } from './arguments.ts';
import { bad } from '../command-types.ts';

export interface StoreRequest {
  /** MSNs, or UIDs for UID STORE; "*" is Infinity until resolved. */
  sequenceSet: SeqRange[];
  /** FLAGS replaces, +FLAGS adds, -FLAGS removes. */
  mode: FlagMode;
  /** .SILENT: no untagged FETCH with the new flags (RFC 3501 6.4.6). */
  silent: boolean;
  /** Canonical spellings, without duplicates; may be empty ("FLAGS ()" clears them all). */
  flags: string[];
  /** UNCHANGEDSINCE: only messages whose mod-sequence is not greater are changed (RFC 7162 3.1.3). */
  unchangedSince: number | null;
  /** A modifier list was given: the command enables CONDSTORE (RFC 7162 3.1). */
  enablesCondstore: boolean;
}

/** Parse "sequence-set [(modifiers)] [+|-]FLAGS[.SILENT] flags", the arguments of STORE / UID STORE. */
export function parseStoreRequest(args: readonly ImapNode[]): StoreRequest {
  const sequenceSet = sequenceSetArg(args[0]);
  let i = 1;
  let unchangedSince: number | null = null;
  let enablesCondstore = false;
  const mods = args[i];
  if (mods?.type === 'list') {
    i++;
    for (let j = 0; j < mods.items.length; j++) {
      const m = mods.items[j]!;
      if (m.type === 'atom' && m.value.toUpperCase() === 'UNCHANGEDSINCE') unchangedSince = numberArg(mods.items[++j], 'UNCHANGEDSINCE');
      else throw bad('Unknown STORE modifier');
    }
    enablesCondstore = true;
  }
  const op = args[i]?.type === 'atom' ? (args[i] as { value: string }).value.toUpperCase() : '';
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(op);
  if (!m) throw bad('Expected FLAGS, +FLAGS or -FLAGS');
  // A flag list or flags one after another (RFC 3501 9, store-att-flags).
  const rest = args.slice(i + 1);
  const flags = flagsArg(rest.length === 1 ? rest[0] : { type: 'list', items: rest });
  const mode: FlagMode = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'replace';
  return { sequenceSet, mode, silent: Boolean(m[2]), flags, unchangedSince, enablesCondstore };
}
