import { describe, expect, it } from 'vitest';
import { rfc5322Date } from '../../../src/main/mail/dates.ts';

describe('rfc5322Date', () => {
  it.each([
    [Date.UTC(2026, 10, 23, 19, 5, 4), 'Mon, 23 Nov 2026 19:05:04 +0000'],
    [new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), 'Fri, 02 Jan 2026 03:04:05 +0000'],
    [0, 'Thu, 01 Jan 1970 00:00:00 +0000'],
  ])('%j -> %j', (when, text) => {
    expect(rfc5322Date(when)).toBe(text);
  });

  it('writes the current time by default', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const t = Date.parse(rfc5322Date());
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
