// Recipient chips: header text ("Ann <a@x>, b@y") split into one entry per address and joined back.
// Commas inside quotes or angle brackets do not split; main parses and validates the final header.
import type { Address } from '../../../../shared/api.ts';
import { formatAddress } from '../../../../shared/reply.ts';

/** One recipient as typed or picked: the header text for it and what a chip shows. */
export interface Chip {
  text: string;
  label: string;
  address: string;
  /** Looks like an address (main has the last word when sending). */
  valid: boolean;
}

const PLAUSIBLE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]+$|^[^\s@<>(),;:"]+@[^\s@<>(),;:".]+$/u;

/** Splits header text at commas and semicolons that are not inside quotes or <>. */
export function splitRecipients(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quoted && i + 1 < text.length) {
      cur += c + text[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (c === '<' && !quoted) angle = true;
    else if (c === '>' && !quoted) angle = false;
    if ((c === ',' || c === ';') && !quoted && !angle) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** A chip for one entry: "Name <addr>" shows the name, a bare address shows itself. */
export function toChip(text: string): Chip {
  const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(text);
  if (m) {
    const name = (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? '')).trim();
    const address = m[3]!.trim();
    return { text: text.trim(), label: name || address, address, valid: PLAUSIBLE.test(address) };
  }
  const address = text.trim();
  return { text: address, label: address, address, valid: PLAUSIBLE.test(address) };
}

export function parseChips(text: string): Chip[] {
  return splitRecipients(text).map(toChip);
}

export function chipFor(a: Address): Chip {
  return toChip(formatAddress(a));
}

/** Header text for chips and what is still being typed. */
export function joinRecipients(chips: Chip[], pending = ''): string {
  return [...chips.map((c) => c.text), ...(pending.trim() ? [pending.trim()] : [])].join(', ');
}
