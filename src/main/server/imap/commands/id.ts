import type { CommandSpec } from '../command-types.ts';

// RFC 2971: we log what the client says about itself and name ourselves.
export const id: CommandSpec = {
  reportsChanges: false,
  states: ['notAuthenticated', 'authenticated', 'selected'],
  async handler({ session, args }) {
    const a = args[0];
    if (a?.type === 'list') {
      const fields: Record<string, string> = {};
      for (let i = 0; i + 1 < a.items.length && i < 60; i += 2) {
        const k = a.items[i]!;
        const v = a.items[i + 1]!;
        if (k.type !== 'atom' && k.type !== 'string') continue;
        const key = k.type === 'atom' ? k.value : k.value.toString('utf8');
        fields[key.slice(0, 30)] = v.type === 'string' ? v.value.toString('utf8').slice(0, 100) : v.type === 'atom' ? v.value : '';
      }
      session.log.debug('imap client id', { clientId: fields });
    }
    session.send(['* ID ("name" "Hearth" "vendor" "Hearth")\r\n']);
  },
};
