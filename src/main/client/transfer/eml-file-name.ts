// File names for exported messages: "2024-03-05 1432 Subject.eml", safe on Windows, macOS and
// Linux file systems, unique within a folder.
import { summariseRawMessage } from '../../mail/message-summary.ts';

const MAX_SUBJECT_CHARS = 80;
// Windows' reserved device names cannot be file names even with an extension.
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** The date (Date header, else the arrival date) and subject of a message, as a file name without uniqueness. */
export function emlFileName(raw: Buffer, internalDate: Date): string {
  let subject = '';
  let when = internalDate;
  try {
    const s = summariseRawMessage(raw);
    subject = s.subject;
    if (s.date !== null) when = new Date(s.date);
  } catch {
    /* unreadable headers: date and no subject */
  }
  const safe = subject
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  const cut = [...safe].slice(0, MAX_SUBJECT_CHARS).join('').trim();
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = Number.isNaN(when.getTime())
    ? 'undated'
    : `${when.getUTCFullYear()}-${pad(when.getUTCMonth() + 1)}-${pad(when.getUTCDate())} ${pad(when.getUTCHours())}${pad(when.getUTCMinutes())}`;
  const base = cut && !RESERVED.test(cut) ? `${stamp} ${cut}` : `${stamp} (no subject)`;
  return `${base}.eml`;
}

/** `name`, or "name (2).eml", "name (3).eml"… the first that is not taken (case-insensitively, as on macOS and Windows). */
export function uniqueName(name: string, taken: Set<string>): string {
  const stem = name.replace(/\.eml$/i, '');
  let candidate = name;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${stem} (${i}).eml`;
  taken.add(candidate.toLowerCase());
  return candidate;
}
