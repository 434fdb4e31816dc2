import type { CommandSpec } from '../command-types.ts';
import { taggedLine } from '../protocol/response.ts';

export const starttls: CommandSpec = {
  states: ['notAuthenticated'],
  async handler({ session, tag }) {
    if (session.secure) return { status: 'BAD', text: 'TLS is already active' };
    await session.upgradeToTls(taggedLine(tag, 'OK', 'Begin TLS negotiation now'));
    return { replied: true };
  },
};
