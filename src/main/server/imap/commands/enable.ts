import type { CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';
import { enableCondstore } from './helpers.ts';

export const enable: CommandSpec = {
  reportsChanges: false,
  states: ['authenticated', 'selected'],
  async handler({ session, args }) {
    if (!args.length) throw bad('ENABLE needs capabilities');
    const enabled: string[] = [];
    for (const a of args) {
      if (a.type !== 'atom') throw bad('Capability expected');
      const cap = a.value.toUpperCase();
      if (cap === 'CONDSTORE') {
        enableCondstore(session);
        enabled.push(cap);
      } else if (cap === 'QRESYNC') {
        session.qresync = true;
        enableCondstore(session);
        enabled.push(cap);
      } else if (cap === 'UTF8=ACCEPT') {
        session.utf8 = true;
        enabled.push(cap);
      }
    }
    session.send([`* ENABLED${enabled.map((c) => ' ' + c).join('')}\r\n`]);
  },
};
