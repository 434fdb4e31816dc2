// IDLE (RFC 2177): changes by other sessions are pushed as they happen until the client says DONE.
import type { CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';

export const idle: CommandSpec = {
  states: ['authenticated', 'selected'],
  async handler({ session }) {
    session.send(['+ idling\r\n']);
    const sel = session.selected;
    // One flush per burst of events (a MOVE emits two), and none once IDLE is over: a flush
    // queued just before DONE must not run while the next command (a FETCH, say) is answered.
    let active = true;
    let queued = false;
    const flushSoon = () => {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        if (!active) return;
        // Runs outside the command's try/catch: an error here must end this session only.
        session.flushUpdates(true).catch((err: unknown) => session.fail(err));
      });
    };
    if (sel) sel.onEvent = flushSoon;
    // What came before IDLE goes out now.
    flushSoon();
    try {
      const line = await session.readLine();
      if (line === null) return;
      if (line.trim().toUpperCase() !== 'DONE') throw bad('Expected DONE');
    } finally {
      active = false;
      if (sel) sel.onEvent = null;
    }
  },
};
