// Reading a DSN (RFC 3464) with Python's email package: an independent reader of what the relay builds.
import { execFileSync } from 'node:child_process';

export interface ParsedDsn {
  contentType: string;
  reportType: string | null;
  partTypes: string[];
  perMessage: Record<string, string>;
  recipients: Array<Record<string, string>>;
  originalHeaders: string;
}

/** Parses a DSN with Python's email package (an independent RFC 3464 reader). */
export function parseDsnWithPython(raw: Buffer): ParsedDsn {
  const script = String.raw`
import sys, json, email
from email import policy
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.compat32)
out = {"contentType": m.get_content_type(), "reportType": m.get_param("report-type"), "partTypes": [], "perMessage": {}, "recipients": [], "originalHeaders": ""}
out["partTypes"] = [m.get_content_type()] + [p.get_content_type() for p in m.get_payload()]
for part in m.get_payload():
    if part.get_content_type() == "message/delivery-status":
        blocks = part.get_payload()
        out["perMessage"] = {k: str(v) for k, v in blocks[0].items()}
        out["recipients"] = [{k: str(v) for k, v in b.items()} for b in blocks[1:]]
    if part.get_content_type() == "text/rfc822-headers":
        out["originalHeaders"] = part.get_payload(decode=True).decode("utf-8", "replace")
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: raw }).toString('utf8')) as ParsedDsn;
}
