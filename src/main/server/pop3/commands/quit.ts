// QUIT (RFC 1939): in TRANSACTION it enters UPDATE and removes the messages marked deleted.
import type { Pop3CommandSpec } from '../command-types.ts';

export const quit: Pop3CommandSpec = {
  states: ['authorization', 'transaction'],
  args: [0, 0],
  async handler({ session }) {
    if (session.state === 'transaction') {
      try {
        const removed = await session.update();
        session.ok(`Bye (${removed} messages deleted)`);
      } catch (e) {
        session.log.error('pop3 update failed', { err: e });
        session.send('-ERR [SYS/TEMP] Some deleted messages were not removed');
      }
    } else {
      session.ok('Bye');
    }
    session.close();
  },
};
