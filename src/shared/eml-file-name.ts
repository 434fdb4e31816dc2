// File names for messages saved as .eml ("2024-03-05 1432 Subject.eml"), safe on Windows, macOS
// and Linux file systems: main names exported files with it, the renderer names a dragged message.

const MAX_SUBJECT_CHARS = 80;
// Windows' reserved device names cannot be file names even with an extension.
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** The file name for a message with this subject and date (UTC, to the minute). */
export function emlFileNameFor(subject: string, when: Date): string {
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
  return `${cut && !RESERVED.test(cut) ? `${stamp} ${cut}` : `${stamp} (no subject)`}.eml`;
}

/** `name`, or "name (2).eml", "name (3).eml"… the first that is not taken (case-insensitively, as on macOS and Windows). */
export function uniqueName(name: string, taken: Set<string>): string {
  const stem = name.replace(/\.eml$/i, '');
  let candidate = name;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${stem} (${i}).eml`;
  taken.add(candidate.toLowerCase());
  return candidate;
}
