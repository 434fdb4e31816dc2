// Telling a smarthost's TLS mode from its port's behaviour, so a mode that does not fit is reported
// at once with the fix instead of after the 30 s greeting timeout:
//   - starttls/none against an implicit-TLS port (465): the client waits for a greeting while the
//     server waits for a ClientHello. A second connection that completes a TLS handshake proves it.
//   - implicit against a STARTTLS/plain port (587, 25): the ClientHello is answered with plain
//     text. A second connection that reads "220" from the first byte proves it.
// A probe only ever confirms a mismatch; when it sees anything else the session's own error stands.
import net from 'node:net';
import tls from 'node:tls';
import { relayLimits } from '../../base/limits.ts';
import type { SmarthostTls } from './types.ts';

/** The smarthost's port wants another TLS mode than the one configured; the message names the fix. */
export class TlsModeMismatch extends Error {
  readonly code = 'ETLSMODE';
}

/** Whether address:port completes a TLS handshake from the first byte (an implicit-TLS port). */
export function speaksTlsFirst(address: string, port: number, servername?: string, timeoutMs: number = relayLimits.tlsModeProbeTimeoutMs): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: address, port, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
    const done = (v: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** The first line address:port sends unasked when it is an SMTP greeting ("220 …"), else null. */
export function plainGreeting(address: string, port: number, timeoutMs: number = relayLimits.tlsModeProbeTimeoutMs): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    let got = '';
    const done = (v: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const eol = got.indexOf('\n');
      if (eol >= 0 || got.length > 512) {
        const line = got.slice(0, eol >= 0 ? eol : 512).trim();
        done(/^220[ -]/.test(line) ? line : null);
      }
    });
    socket.once('error', () => done(null));
    socket.once('close', () => done(null));
  });
}

const hostLabel = (host: string, port: number) => `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;

/** The mismatch for a smarthost waiting for a greeting in `mode` at a port that speaks TLS first. */
export function implicitPortMismatch(host: string, port: number, mode: SmarthostTls): TlsModeMismatch {
  return new TlsModeMismatch(
    `${hostLabel(host, port)} expects TLS from the first byte (implicit TLS, as on port 465) but the TLS mode is ${mode}: ` +
      'set the TLS mode to implicit (--smarthost-tls implicit)',
  );
}

/** The mismatch for a smarthost in implicit mode whose port greets in plain text. */
export function plainPortMismatch(host: string, port: number, greeting: string): TlsModeMismatch {
  return new TlsModeMismatch(
    `${hostLabel(host, port)} answered the TLS handshake in plain text ("${greeting.slice(0, 80)}"), so it expects STARTTLS (as on port 587), ` +
      'but the TLS mode is implicit: set the TLS mode to starttls (--smarthost-tls starttls)',
  );
}
