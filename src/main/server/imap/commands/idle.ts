// IDLE (RFC 2177): changes by other sessions are pushed until the client says DONE, gathered for
// a moment first (imapServerLimits.idleNotifyDelayMs) so a burst goes out once, in its final state.
import type { CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';

export const idle: CommandSpec = {
  states: ['authenticated', 'selected'],
  async handler({ session }) {
    session.send(['+ idling\r\n']);
    const sel = session.selected;
    // One flush per burst of events, and none once IDLE is over: a flush due just after DONE must
    // not run while the next command (a FETCH, say) is answered; that command's own flush sends
    // what was gathered.
    let active = true;
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      if (!active) return;
      // Runs outside the command's try/catch: an error here must end this session only.
      session.flushUpdates(true).catch((err: unknown) => session.fail(err));
    };
    // Like Dovecot (500 ms, src/lib-storage/mailbox-watch.c), the first change starts the wait and
    // later ones join it: a client's +FLAGS then -FLAGS reaches the others as one FETCH a message.
    const flushSoon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        flush();
      }, session.shared.idleNotifyDelayMs);
    };
    if (sel) sel.onEvent = flushSoon;
    // What came before IDLE goes out now.
    queueMicrotask(flush);
    try {
      const line = await session.readLine();
      if (line === null) return;
      if (line.trim().toUpperCase() !== 'DONE') throw bad('Expected DONE');
    } finally {
      active = false;
      if (timer) clearTimeout(timer);
      if (sel) sel.onEvent = null;
    }
  },
};
