// Readers for the small argument kinds several commands share: sequence sets, numbers, flags.
// Pure; a malformed argument is a BAD.
import type { ImapNode } from './tokenizer.ts';
import { nodeText } from './tokenizer.ts';
import { parseSequenceSet } from './sequence-set.ts';
import type { SeqRange } from './sequence-set.ts';
import { bad } from '../command-types.ts';

/** A sequence set argument ("1:3,7:*"), MSNs or UIDs alike; "*" stays Infinity. */
export function sequenceSetArg(node: ImapNode | undefined): SeqRange[] {
  const text = nodeText(node);
  const ranges = text === null ? null : parseSequenceSet(text);
  if (!ranges) throw bad('Invalid sequence set');
  return ranges;
}

/** A number (RFC 3501 number / RFC 7162 mod-sequence-value), within what a JS number holds exactly. */
export function numberArg(node: ImapNode | undefined, what: string): number {
  const t = node?.type === 'atom' ? node.value : null;
  if (t === null || !/^\d{1,19}$/.test(t)) throw bad(`${what} must be a number`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw bad(`${what} out of range`);
  return n;
}

/** A flag list "(\Seen $Work)" or a single flag. */
export function flagsArg(node: ImapNode | undefined): string[] {
  if (!node) throw bad('Flags expected');
  const items = node.type === 'list' ? node.items : [node];
  const flags: string[] = [];
  for (const it of items) {
    if (it.type !== 'atom') throw bad('Invalid flag');
    const f = normaliseFlag(it.value);
    if (!f) throw bad('Invalid flag');
    if (!flags.includes(f)) flags.push(f);
  }
  return flags;
}

const SYSTEM = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];

/** A system flag in its canonical spelling, or a keyword (RFC 3501 9, flag-keyword); null if neither. */
export function normaliseFlag(f: string): string | null {
  // NIL is an atom, but every parser reads it as "nothing" in a flag list: never a keyword.
  if (f.toUpperCase() === 'NIL') return null;
  if (f.startsWith('\\')) {
    const sys = SYSTEM.find((s) => s.toLowerCase() === f.toLowerCase());
    return sys ?? null;
  }
  if (!/^[\x21\x23\x24\x26\x27\x2b-\x5a\x5e-\x7a\x7c\x7e]+$/.test(f)) return null;
  return f;
}
