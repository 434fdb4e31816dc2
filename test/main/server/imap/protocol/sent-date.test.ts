// The Date: header as SENT* searches (its own calendar day) and SORT DATE (the UTC instant) read it.
import { describe, it, expect } from 'vitest';
import { parseSentDate } from '../../../../../src/main/server/imap/protocol/sent-date.ts';

const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

describe('parseSentDate', () => {
  const table: Array<[string, string | null, string | null]> = [
    // header, day as written (ISO), instant (ISO)
    ['25 Mar 2007 00:00 +0200', '2007-03-25', '2007-03-24T22:00:00.000Z'],
    ['Sun, 25 Mar 2007 23:30:00 -0500', '2007-03-25', '2007-03-26T04:30:00.000Z'],
    ['Mon, 26 Mar 2007 01:00:00 +0200 (CEST)', '2007-03-26', '2007-03-25T23:00:00.000Z'],
    ['24 Mar 2007 12:00:00 GMT', '2007-03-24', '2007-03-24T12:00:00.000Z'],
    ['Fri, 1 Jan 99 10:00:00 EST', '1999-01-01', '1999-01-01T15:00:00.000Z'], // two-digit year, zone name (RFC 5322 4.3)
    ['1 Jan 07 00:00 PDT', '2007-01-01', '2007-01-01T07:00:00.000Z'],
    ['Thu, 13 February 1969 23:32 -0330 (Newfoundland Time)', '1969-02-13', '1969-02-14T03:02:00.000Z'],
    // Where Dovecot finds a date, and where it does not (checked against Dovecot 2.3).
    ['5 Jul 2021 10:00', '2021-07-05', '2021-07-05T10:00:00.000Z'],
    ['5 July 2021 10:00 +0000', '2021-07-05', '2021-07-05T10:00:00.000Z'],
    ['5 Jul 2021 10:00:00 XYZ', '2021-07-05', '2021-07-05T10:00:00.000Z'],
    ['5 Jul 2021 10:00:00 +0000 garbage', '2021-07-05', '2021-07-05T10:00:00.000Z'],
    ['5 Jul 2021', null, null],
    ['2021-07-05T10:00:00Z', null, null],
    ['Mon, 5 Jul 2021 10:00:t', null, null],
    ['Mon Jul  5 10:00:00 2021', null, null],
    ['5-Jul-2021 10:00 +0000', null, null],
    ['yesterday', null, null],
    ['', null, null],
  ];
  for (const [header, dayIso, instant] of table) {
    it(JSON.stringify(header), () => {
      const d = parseSentDate(header);
      if (dayIso === null) return expect(d).toBeNull();
      expect(new Date(d!.day).toISOString().slice(0, 10)).toBe(dayIso);
      expect(new Date(d!.time).toISOString()).toBe(instant);
    });
  }

  it('keeps the day written even when the instant falls on another UTC day', () => {
    expect(parseSentDate('25 Mar 2007 00:00 +0200')!.day).toBe(day(2007, 3, 25));
    expect(parseSentDate('25 Mar 2007 23:59 -1200')!.day).toBe(day(2007, 3, 25));
  });
});
