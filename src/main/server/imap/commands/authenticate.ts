import type { CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';
import { refuseCleartext, tryLogin } from './login.ts';

// AUTHENTICATE PLAIN (RFC 4616), with the initial response on the command line (SASL-IR, RFC 4959).
export const authenticate: CommandSpec = {
  states: ['notAuthenticated'],
  async handler(ctx) {
    const { session, args } = ctx;
    const mech = args[0]?.type === 'atom' ? args[0].value.toUpperCase() : '';
    if (mech !== 'PLAIN') return { status: 'NO', code: 'CANNOT', text: 'Only PLAIN is supported' };
    // Refused before the continuation, so the client never sends its password in the clear.
    const refused = refuseCleartext(ctx);
    if (refused) return refused;
    let response: string | null;
    const ir = args[1];
    if (ir) {
      if (ir.type !== 'atom') throw bad('Invalid initial response');
      response = ir.value === '=' ? '' : ir.value;
    } else {
      session.send(['+ \r\n']);
      response = await session.readLine();
      if (response === null) return { status: 'NO', text: 'Connection closed' };
    }
    response = response.trim();
    if (response === '*') throw bad('Authentication cancelled');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response)) throw bad('Invalid base64');
    const parts = Buffer.from(response, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3) throw bad('Invalid PLAIN response');
    const [authzid, authcid, password] = parts as [string, string, string];
    if (authzid && authzid.toLowerCase() !== authcid.toLowerCase()) {
      session.authFailures++;
      return { status: 'NO', code: 'AUTHORIZATIONFAILED', text: 'Cannot act as another user' };
    }
    return tryLogin(ctx, authcid, password);
  },
};
