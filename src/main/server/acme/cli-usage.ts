// The certificate commands and `serve` options as the `hearth` help shows them; kept apart from
// acme/cli.ts so `hearth help` does not load the ACME client.

export const CERT_USAGE = `  cert status [--json]          the certificate the server presents: issuer, names, expiry, fingerprint
  cert issue --acme-url URL --domain D [--domain D2]   get a certificate from an ACME CA (RFC 8555)
      [--challenge http-01|tls-alpn-01|dns-01] [--ca FILE] [--email ADDR]
      [--http-port N (80)] [--tls-port N (443)] [--challenge-host ADDR] [--dns-hook CMD]
`;

export const ACME_SERVE_USAGE = `  --acme-url URL --acme-domain D   keep an ACME certificate for D issued and renewed; with
                                --acme-challenge, --acme-ca, --acme-email, --acme-http-port,
                                --acme-tls-port, --acme-challenge-host, --acme-dns-hook as for
                                \`cert issue\` (without them: the settings \`cert issue\` stored)
`;
