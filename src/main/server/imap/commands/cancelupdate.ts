// CANCELUPDATE "tag" … (RFC 5267 4.3.5): ends the live search contexts those commands started.
import type { CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';
import { requireSelected } from './helpers.ts';

export const cancelupdate: CommandSpec = {
  states: ['selected'],
  async handler({ session, args }) {
    const sel = requireSelected(session);
    // command-select =/ "CANCELUPDATE" 1*(SP quoted): tags as quoted strings, at least one.
    if (!args.length) throw bad('CANCELUPDATE needs the tags of the searches to stop');
    const tags: string[] = [];
    for (const a of args) {
      if (a.type !== 'string') throw bad('CANCELUPDATE takes quoted tags');
      tags.push(a.value.toString('latin1'));
    }
    // All or nothing: a tag naming no context is the client's mistake (Dovecot answers NO).
    if (!sel.contexts.cancel(tags)) throw bad('Unknown tag: no search context has it');
    return { text: 'Updates cancelled' };
  },
};
