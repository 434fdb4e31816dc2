import type { Address } from '../../shared/api.ts';

export function displayAddress(list: Address[]): string {
  const a = list[0];
  if (!a) return '(no sender)';
  return a.name || a.address;
}

export function fullAddressList(list: Address[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

/** Today: time; this year: day and month; otherwise a full date. */
// One formatter of each kind: toLocale*String with options builds a new Intl.DateTimeFormat on
// every call, which made a list render spend most of its time formatting dates.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayThisYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDay = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

const counts = new Intl.NumberFormat();

/** A count as the user's locale writes it (1,234). */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** A count and what it counts, singular for one: "1 message", "1,234 messages"; `more` adds "+". */
export function countOf(n: number, one: string, many: string, more = false): string {
  return `${formatCount(n)}${more ? '+' : ''} ${n === 1 && !more ? one : many}`;
}

export function listDate(ms: number, now = new Date()): string {
  if (!ms) return '';
  const d = new Date(ms);
  if (d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) return timeOfDay.format(d);
  if (d.getFullYear() === now.getFullYear()) return dayThisYear.format(d);
  return fullDay.format(d);
}
