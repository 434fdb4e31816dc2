// The relay's commands and `serve` options as the `hearth` help shows them. Kept apart from
// relay/cli.ts so that `hearth help` and the user commands do not load the relay.

export const RELAY_COMMANDS = ['queue', 'dns', 'smarthost'] as const;

export const relayCommandsUsage = `  queue list [--json]           outgoing queue: messages, recipients, last replies, damaged files
  queue retry [ID]              try waiting recipients now (all, or one message)
  queue delete ID [--reason TEXT] [--bounce]   remove a message (--bounce tells the sender why)
  dns [--hostname H] [--domain D]   DNS records to publish (MX, SPF, DKIM, DMARC, SRV, autoconfig,
                                MTA-STS, TLS-RPT); SRV ports are the standard ones unless --NAME-port N|off
  smarthost set HOST:PORT [--tls starttls|implicit|none] [--allow-plaintext] [--user U] [--ca FILE]
                                send all non-local mail through HOST (password from --password
                                or standard input, stored sealed); smarthost show | clear
`;

export const relayServeUsage = `  --smarthost HOST:PORT         send all non-local mail through this server (default: the one
                                \`hearth smarthost set\` stored)
  --smarthost-tls MODE          starttls (default, required), implicit (TLS on connect, port 465)
                                or none (only with --smarthost-allow-plaintext; logs a warning)
  --smarthost-user U --smarthost-password P   its login (--smarthost-ca FILE: CA to trust)
  --resolver HOST:PORT          DNS server for MX/A lookups (default: the system's)
  --relay-port N                SMTP port of remote mail servers (default 25)
`;
