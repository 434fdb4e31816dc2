// AUTH (RFC 5034) with SASL PLAIN (RFC 4616), with or without an initial response. "AUTH" alone
// lists the mechanisms (what older clients such as fetchmail probe with).
import { err } from '../command-types.ts';
import type { Pop3CommandSpec } from '../command-types.ts';

export const auth: Pop3CommandSpec = {
  states: ['authorization'],
  args: [0, 2],
  async handler({ session, args }) {
    const allowed = session.plainAuthAllowed();
    if (args.length === 0) {
      session.send(['+OK Mechanisms follow', ...(allowed ? ['PLAIN'] : []), '.'].join('\r\n'));
      return;
    }
    if (args[0]!.toUpperCase() !== 'PLAIN') throw err('Unsupported authentication mechanism');
    if (!allowed) throw err('Use STLS first: passwords are not accepted over an unencrypted connection');
    let response = args[1];
    if (response === undefined) {
      session.send('+ ');
      const line = await session.readContinuation();
      if (line === null) return;
      response = line;
    }
    if (response === '*') throw err('Authentication cancelled');
    const credentials = decodePlain(response);
    if (!credentials) throw err('Malformed SASL PLAIN response');
    await session.login(credentials.authcid, credentials.password);
    session.ok(`Logged in: ${session.messages.length} messages`);
  },
};

/** RFC 4616: authzid NUL authcid NUL passwd; an authzid other than the authcid is not supported. */
export function decodePlain(b64: string): { authcid: string; password: string } | null {
  if (b64 === '=') return null;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  const [authzid, authcid, password] = parts as [string, string, string];
  if (!authcid || !password) return null;
  if (authzid && authzid.toLowerCase() !== authcid.toLowerCase()) return null;
  return { authcid, password };
}
