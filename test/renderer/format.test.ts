// Counts as the lists and status lines write them.
import { describe, expect, it } from 'vitest';
import { countOf } from '../../src/renderer/src/format.ts';

describe('countOf', () => {
  it('says one in the singular and any other count in the plural, grouped as the locale writes it', () => {
    expect(countOf(1, 'message', 'messages')).toBe('1 message');
    expect(countOf(0, 'message', 'messages')).toBe('0 messages');
    expect(countOf(2, 'conversation', 'conversations')).toBe('2 conversations');
    expect(countOf(1234, 'message', 'messages')).toBe(`${new Intl.NumberFormat().format(1234)} messages`);
  });

  it('marks a count that more may follow, in the plural even at one', () => {
    expect(countOf(50, 'message', 'messages', true)).toBe('50+ messages');
    expect(countOf(1, 'message', 'messages', true)).toBe('1+ messages');
  });
});
