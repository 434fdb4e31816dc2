// Sequence sets (RFC 3501 9: "1:3,5,7:*"). Pure. "*" is kept symbolic until resolved against the
// largest number in use.

/** One range; Infinity stands for "*". */
export type SeqRange = readonly [number, number];

const STAR = Infinity;

export function isSequenceSet(text: string): boolean {
  return /^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(text) || text === '$';
}

/** Parse a sequence set; returns null when malformed (0 is not a valid number). */
export function parseSequenceSet(text: string): SeqRange[] | null {
  if (!isSequenceSet(text) || text === '$') return null;
  const out: SeqRange[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split(':') as [string, string | undefined];
    const x = a === '*' ? STAR : Number(a);
    const y = b === undefined ? x : b === '*' ? STAR : Number(b);
    if (x === 0 || y === 0 || (x > 0xffffffff && x !== STAR) || (y > 0xffffffff && y !== STAR)) return null;
    out.push(x <= y ? [x, y] : [y, x]);
  }
  return out;
}

/** Replace "*" by max (the largest number in use) and order the ranges. An empty mailbox gives none. */
export function resolveSequenceSet(ranges: readonly SeqRange[], max: number): SeqRange[] {
  if (max <= 0) return [];
  return ranges
    .map(([a, b]): SeqRange => {
      const x = a === STAR ? max : a;
      const y = b === STAR ? max : b;
      return x <= y ? [x, y] : [y, x];
    })
    .sort((p, q) => p[0] - q[0]);
}

export function inSequenceSet(ranges: readonly SeqRange[], n: number): boolean {
  for (const [a, b] of ranges) if (n >= a && n <= b) return true;
  return false;
}

/** Compact a sorted list of numbers back into set syntax ("1:3,7"). */
export function formatSequenceSet(nums: readonly number[]): string {
  if (!nums.length) return '';
  const sorted = [...nums].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (let i = 1; i <= sorted.length; i++) {
    const n = sorted[i];
    if (n !== undefined && (n === prev + 1 || n === prev)) {
      prev = n;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}:${prev}`);
    if (n !== undefined) start = prev = n;
  }
  return parts.join(',');
}

/** Keep the original order of pairs while compacting (COPYUID needs source and destination aligned). */
export function formatUidList(nums: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < nums.length) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    parts.push(i === j ? String(nums[i]) : `${nums[i]}:${nums[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
