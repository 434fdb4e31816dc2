// The port plan of `hearth serve`: --standard-ports, the defaults, and --NAME-port overriding either.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, parsePortOption, portPlan, STANDARD_PORTS } from '../../../src/main/server/ports.ts';

describe('portPlan', () => {
  it('takes the standard ports with --standard-ports, the unprivileged defaults otherwise', () => {
    expect(portPlan({}, true)).toEqual({ smtp: 25, imap: 143, imaps: 993, pop3: 110, pop3s: 995, submission: 587, submissions: 465, https: 443 });
    expect(portPlan({}, false)).toEqual(DEFAULT_PORTS);
    expect(Object.values(DEFAULT_PORTS).every((p) => p >= 1024)).toBe(true);
    expect(Object.values(STANDARD_PORTS).every((p) => p < 1024)).toBe(true);
  });

  it('lets --NAME-port win: a port, 0 for any, off for not started', () => {
    expect(portPlan({ https: 8443, pop3: null, imap: 0 }, true)).toEqual({ ...STANDARD_PORTS, https: 8443, pop3: null, imap: 0 });
    expect(['8443', '0', 'off', undefined].map((v) => parsePortOption('https', v))).toEqual([8443, 0, null, undefined]);
    expect(() => parsePortOption('https', '65536')).toThrow('--https-port: not a port number: 65536');
  });
});
