// What account discovery found: candidate servers, best first, each probed before it is offered.
import { z } from 'zod';

export const DiscoverySource = z.enum(['autoconfig', 'ispdb', 'srv', 'mx', 'guess']);
export type DiscoverySource = z.infer<typeof DiscoverySource>;

export const Candidate = z.object({
  protocol: z.enum(['imap', 'pop3', 'smtp']),
  host: z.string(),
  port: z.number().int(),
  /** Same values as TlsMode in api.ts (not imported: api.ts imports this file). */
  tls: z.enum(['tls', 'starttls', 'plain']),
  /** The login name the provider expects (placeholders like %EMAILADDRESS% filled in). */
  user: z.string(),
  probe: z.object({ ok: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).optional() }),
});
export type Candidate = z.infer<typeof Candidate>;

export const DiscoveryResult = z.object({
  /** Where the settings came from; null when nothing answered. */
  source: DiscoverySource.nullable(),
  /** Provider name from autoconfig / ISPDB, when known. */
  provider: z.string().nullable(),
  incoming: z.array(Candidate),
  outgoing: z.array(Candidate),
  /** Each source tried and what it gave, for the "how did it find this" detail. */
  tried: z.array(z.object({ source: DiscoverySource, detail: z.string() })),
});
export type DiscoveryResult = z.infer<typeof DiscoveryResult>;
