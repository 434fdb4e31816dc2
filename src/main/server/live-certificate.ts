// The certificate every TLS listener serves, replaceable while they run. A renewal (ACME) calls
// replace(): implicit-TLS servers get tls.Server#setSecureContext, smtp-server its
// updateSecureContext, and STARTTLS/STLS upgrades read secureContext() at upgrade time. Open
// connections keep the context they were made with; only new handshakes see the new certificate.
import tls from 'node:tls';
import type { ServerContext } from './context.ts';
import { serverTlsOptions } from './tls.ts';

export interface KeyPair {
  key: string;
  cert: string;
}

export class LiveCertificate {
  private pair: KeyPair;
  private context: tls.SecureContext;
  private readonly watchers = new Set<(pair: KeyPair) => void>();

  constructor(pair: KeyPair) {
    this.pair = { key: pair.key, cert: pair.cert };
    this.context = tls.createSecureContext(serverTlsOptions(this.pair));
  }

  current(): KeyPair {
    return this.pair;
  }

  secureContext(): tls.SecureContext {
    return this.context;
  }

  /** Serve `pair` from now on. Throws (and keeps the old one) when the key does not fit the certificate. */
  replace(pair: KeyPair): void {
    const context = tls.createSecureContext(serverTlsOptions(pair));
    this.pair = { key: pair.key, cert: pair.cert };
    this.context = context;
    for (const w of this.watchers) w(this.pair);
  }

  /** Calls `fn` after each replace(); returns the unsubscribe function. */
  onReplace(fn: (pair: KeyPair) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }
}

/**
 * Keeps a TLS server on the live certificate: each replace() becomes its setSecureContext (new
 * handshakes get the new certificate; open connections keep theirs). Returns the unsubscribe.
 */
export function followCertificate(certificate: LiveCertificate, server: Pick<tls.Server, 'setSecureContext'>): () => void {
  return certificate.onReplace((pair) => server.setSecureContext(serverTlsOptions(pair)));
}

/** The context's live certificate; a fixed one (tests, tools) when the context was made without. */
export function liveCertificateOf(ctx: ServerContext): LiveCertificate {
  return ctx.certificate ?? new LiveCertificate(ctx.tls);
}
