// Base subject extraction (RFC 5256 2.1) for SORT SUBJECT and THREAD. Pure; the input is the
// Subject: header already decoded from encoded words.

export interface BaseSubject {
  /** The base subject, upper-cased in ASCII for the i;ascii-casemap comparison (RFC 5256 2.1). */
  subject: string;
  /** A "Re:", "Fwd:" or "(fwd)" was removed: the message is a reply or forward (RFC 5256 5, THREAD). */
  replyOrForward: boolean;
}

/** subj-blob = "[" *BLOBCHAR "]" *WSP */
const BLOB = /^\[[^[\]]*\]\s*/;
/** subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":" */
const REFWD = /^(?:re|fwd?)\s*(?:\[[^[\]]*\]\s*)?:/i;

export function baseSubject(decoded: string): BaseSubject {
  // (1) whitespace runs (folding included) become one space.
  let s = decoded.replace(/[\t\r\n ]+/g, ' ');
  let replyOrForward = false;
  for (;;) {
    // (2) trailing subj-trailer: "(fwd)" and whitespace.
    for (;;) {
      const t = s.replace(/(?:\s|\(fwd\))+$/i, '');
      if (t === s) break;
      if (/\(fwd\)\s*$/i.test(s)) replyOrForward = true;
      s = t;
    }
    // (3)-(5) leading subj-leader (blobs then "re:"/"fw:"/"fwd:", or whitespace) and a lone
    // leading blob, until neither changes anything.
    for (;;) {
      const before = s;
      s = s.replace(/^\s+/, '');
      const leader = /^(?:\[[^[\]]*\]\s*)*/.exec(s)![0];
      const rest = s.slice(leader.length);
      const refwd = REFWD.exec(rest);
      if (refwd) {
        s = rest.slice(refwd[0].length);
        replyOrForward = true;
      } else {
        const blob = BLOB.exec(s);
        // (4) a leading subj-blob goes only if something is left after it.
        if (blob && s.length > blob[0].length) s = s.slice(blob[0].length);
      }
      if (s === before) break;
    }
    // (6) "[fwd: … ]" wraps a forwarded subject: unwrap and start over.
    const fwd = /^\[fwd:(.*)\]$/i.exec(s);
    if (!fwd) break;
    s = fwd[1]!;
    replyOrForward = true;
  }
  return { subject: s.replace(/[a-z]+/g, (m) => m.toUpperCase()), replyOrForward };
}
