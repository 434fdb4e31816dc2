// The Date: header as SEARCH SENT* and SORT DATE read it. Pure.
//
// RFC 3501 6.4.4: SENTBEFORE/SENTON/SENTSINCE compare the date as written, disregarding time and
// time zone ("25 Mar 2007 00:00 +0200" is SENTON 25-Mar-2007). RFC 5256 2.2: SORT DATE uses the
// instant, normalised to UTC.

export interface SentDate {
  /** Midnight UTC of the calendar day written in the header (its own zone). */
  day: number;
  /** The instant in ms since the epoch (UTC). */
  time: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Obsolete zone names (RFC 5322 4.3); military letters count as "-0000" (unknown). */
const ZONES: Record<string, number> = { ut: 0, gmt: 0, z: 0, est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7 };

/**
 * [day-of-week ","] day month year hh:mm[:ss] [zone], then anything (RFC 5322 3.3 with the
 * obsolete forms of 4.3). Like Dovecot, the time is required, the zone is not, and text after
 * the zone is ignored; a date without a time, ISO 8601 or asctime() has no sent date.
 */
const DATE_TIME = /^(?:[a-z]{3},?\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+([+-]\d{4}|[a-z]+))?(?=\s|$)/i;

export function parseSentDate(value: string): SentDate | null {
  // Comments (CFWS) may stand anywhere; the obsolete syntax allows them between tokens.
  const text = value.replace(/\([^()]*\)/g, ' ').trim();
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const mday = Number(m[1]);
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  let year = Number(m[3]);
  // Two- and three-digit years (RFC 5322 4.3).
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (m[3]!.length === 3) year += 1900;
  if (month < 0 || mday < 1 || mday > 31) return null;
  const day = Date.UTC(year, month, mday);
  const hh = Number(m[4]);
  const mm = Number(m[5]);
  const ss = Number(m[6] ?? 0);
  if (hh > 23 || mm > 59 || ss > 60) return null;
  return { day, time: day + ((hh * 60 + mm) * 60 + ss) * 1000 - zoneOffsetMinutes(m[7]) * 60_000 };
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  const z = /^([+-])(\d\d)(\d\d)$/.exec(zone);
  if (z) return (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  return (ZONES[zone.toLowerCase()] ?? 0) * 60;
}
