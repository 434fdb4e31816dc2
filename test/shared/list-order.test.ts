import { describe, expect, it } from 'vitest';
import { orderIds, senderKey, type OrderRow } from '../../src/shared/list-order.ts';

const row = (id: number, threadId: number, date: number, size: number, subject: string, sender: string): OrderRow => ({
  id,
  threadId,
  date,
  size,
  subject,
  sender,
});
// Two conversations (1: ids 1,3; 2: ids 2,5) and a lone message 4.
const rows = [
  row(1, 1, 100, 500, 'Garden plan', 'ann'),
  row(2, 2, 200, 9000, 'Budget', 'zoe'),
  row(3, 1, 300, 700, 'Re: Garden plan', 'bob'),
  row(4, 4, 400, 100, 'apples', 'carl'),
  row(5, 2, 150, 50, 'Re: Budget', 'amy'),
];

describe('list order', () => {
  it('sorts flat by date, sender, subject and size, both ways', () => {
    expect(orderIds(rows, { sortBy: 'date', dir: 'desc', group: false })).toEqual([4, 3, 2, 5, 1]);
    expect(orderIds(rows, { sortBy: 'date', dir: 'asc', group: false })).toEqual([1, 5, 2, 3, 4]);
    expect(orderIds(rows, { sortBy: 'sender', dir: 'asc', group: false })).toEqual([5, 1, 3, 4, 2]);
    expect(orderIds(rows, { sortBy: 'sender', dir: 'desc', group: false })).toEqual([2, 4, 3, 1, 5]);
    // "Re:" is ignored, case too; equal subjects fall back to date.
    expect(orderIds(rows, { sortBy: 'subject', dir: 'asc', group: false })).toEqual([4, 5, 2, 1, 3]);
    expect(orderIds(rows, { sortBy: 'size', dir: 'desc', group: false })).toEqual([2, 3, 1, 4, 5]);
    expect(orderIds(rows, { sortBy: 'size', dir: 'asc', group: false })).toEqual([5, 4, 1, 3, 2]);
  });

  it('groups conversations into one row each: the newest message, placed by the conversation', () => {
    expect(orderIds(rows, { sortBy: 'date', dir: 'desc', group: true })).toEqual([4, 3, 2]);
    expect(orderIds(rows, { sortBy: 'date', dir: 'asc', group: true })).toEqual([2, 3, 4]);
    // By the newest message's sender: bob (3), carl (4), zoe (2).
    expect(orderIds(rows, { sortBy: 'sender', dir: 'asc', group: true })).toEqual([3, 4, 2]);
    // By the conversation's largest message.
    expect(orderIds(rows, { sortBy: 'size', dir: 'desc', group: true })).toEqual([2, 3, 4]);
    expect(orderIds([], { sortBy: 'date', dir: 'desc', group: true })).toEqual([]);
  });

  it('keys a sender by name, else address, case-folded', () => {
    expect(senderKey([{ name: 'Ann Lee', address: 'ann@x' }])).toBe('ann lee');
    expect(senderKey([{ name: '', address: 'Bob@X' }])).toBe('bob@x');
    expect(senderKey([])).toBe('');
  });
});
