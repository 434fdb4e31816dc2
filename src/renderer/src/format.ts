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
export function listDate(ms: number, now = new Date()): string {
  if (!ms) return '';
  const d = new Date(ms);
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
