// Dates as mail headers write them.

/** RFC 5322 3.3 date-time in UTC: "Mon, 23 Nov 2026 19:13:11 +0000". */
export function rfc5322Date(when: number | Date = new Date()): string {
  return new Date(when).toUTCString().replace(/GMT$/, '+0000');
}
