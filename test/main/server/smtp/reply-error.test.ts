import { describe, it, expect } from 'vitest';
import { SmtpReplyError } from '../../../../src/main/server/smtp/reply-error.ts';
import { HearthError } from '../../../../src/shared/errors.ts';

describe('SmtpReplyError', () => {
  it('carries the reply smtp-server sends (responseCode + message) and the whole line as the response', () => {
    const e = new SmtpReplyError(550, '5.1.1', 'No such user here', 'BAD_ADDRESS');
    expect(e).toBeInstanceOf(HearthError);
    expect(e.responseCode).toBe(550);
    expect(e.message).toBe('5.1.1 No such user here');
    expect([e.enhancedStatus, e.text]).toEqual(['5.1.1', 'No such user here']);
    expect(e.toPayload()).toEqual({ code: 'BAD_ADDRESS', message: '5.1.1 No such user here', response: '550 5.1.1 No such user here' });
  });

  it('files 4xx replies as SERVER_TEMPORARY and 5xx as SERVER_ERROR unless told', () => {
    expect(new SmtpReplyError(451, '4.3.0', 'Temporary failure, try again later').code).toBe('SERVER_TEMPORARY');
    expect(new SmtpReplyError(554, '5.7.1', 'Relay access denied').code).toBe('SERVER_ERROR');
  });

  it('splits a leading enhanced status code off a reply text (RFC 3463), and keeps a text without one as it is', () => {
    const cases: Array<[string, string, string, string]> = [
      ['5.7.1 Rejected by policy', '5.7.1', 'Rejected by policy', '5.7.1 Rejected by policy'],
      ['4.2.2 Mailbox full', '4.2.2', 'Mailbox full', '4.2.2 Mailbox full'],
      ['plain text', '', 'plain text', 'plain text'],
      ['5.7 not a status', '', '5.7 not a status', '5.7 not a status'],
      ['5.1.1', '', '5.1.1', '5.1.1'],
    ];
    for (const [reply, status, text, message] of cases) {
      const e = SmtpReplyError.fromReply(550, reply);
      expect([e.enhancedStatus, e.text, e.message]).toEqual([status, text, message]);
    }
  });
});
