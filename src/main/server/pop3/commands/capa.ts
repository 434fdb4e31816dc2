// CAPA (RFC 2449): what this server offers in the current state.
import type { Pop3CommandSpec } from '../command-types.ts';

export const capa: Pop3CommandSpec = {
  states: ['authorization', 'transaction'],
  args: [0, 0],
  async handler({ session }) {
    const without = session.withoutCommands;
    const lines = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'].filter((c) => !without.includes(c));
    if (session.state === 'authorization') {
      if (!session.secure) lines.push('STLS');
      if (session.plainAuthAllowed()) lines.push('USER', 'SASL PLAIN');
    }
    lines.push('IMPLEMENTATION Hearth');
    session.send(['+OK Capability list follows', ...lines, '.'].join('\r\n'));
  },
};
