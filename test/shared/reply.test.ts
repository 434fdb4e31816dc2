import { describe, expect, it } from 'vitest';
import { formatAddress, forwardSubject, plainToHtml, quoteForReply, replyRecipients, replyReferences, replySubject } from '../../src/shared/reply.ts';

const a = (address: string, name = '') => ({ name, address });

describe('replies and forwards', () => {
  it('never repeats Re: or Fwd:', () => {
    expect(replySubject('Dinner?')).toBe('Re: Dinner?');
    expect(replySubject('Re: Dinner?')).toBe('Re: Dinner?');
    expect(replySubject('RE: Aw: re: Dinner?')).toBe('Re: Dinner?');
    expect(forwardSubject('Fwd: FW: Report')).toBe('Fwd: Report');
    expect(forwardSubject('Re: Report')).toBe('Fwd: Re: Report');
  });

  it('replies to Reply-To or From; reply-all adds the others, never me, never twice', () => {
    const original = { from: [a('ann@x.test', 'Ann')], to: [a('me@x.test'), a('bob@x.test')], cc: [a('ANN@x.test'), a('cy@x.test')] };
    expect(replyRecipients(original, ['me@x.test'], false)).toEqual({ to: [a('ann@x.test', 'Ann')], cc: [] });
    expect(replyRecipients(original, ['Me@X.test'], true)).toEqual({ to: [a('ann@x.test', 'Ann')], cc: [a('bob@x.test'), a('cy@x.test')] });
    expect(replyRecipients({ ...original, replyTo: [a('list@x.test')] }, ['me@x.test'], false).to).toEqual([a('list@x.test')]);
    // Replying to my own sent message goes to its recipients.
    expect(replyRecipients({ from: [a('me@x.test')], to: [a('bob@x.test')], cc: [] }, ['me@x.test'], false).to).toEqual([a('bob@x.test')]);
  });

  it('threads with References and quotes the original', () => {
    expect(replyReferences(['<a@x>', '<b@x>'], '<c@x>')).toEqual(['<a@x>', '<b@x>', '<c@x>']);
    expect(replyReferences(['<a@x>'], '<a@x>')).toEqual(['<a@x>']);
    const q = quoteForReply({ from: [a('ann@x.test', 'Ann')], date: Date.UTC(2026, 10, 1, 12), text: 'line one\n> earlier\n' });
    expect(q).toContain('Ann <ann@x.test> wrote:\n> line one\n>> earlier');
  });

  it('quotes display names that need it', () => {
    expect(formatAddress(a('x@y.test', 'Doe, Jane'))).toBe('"Doe, Jane" <x@y.test>');
    expect(formatAddress(a('x@y.test', 'Jürgen'))).toBe('Jürgen <x@y.test>');
    expect(formatAddress(a('x@y.test'))).toBe('x@y.test');
  });

  it('makes an HTML twin of plain text: escaped, quotes as blockquotes', () => {
    const html = plainToHtml('Yes <b>!</b>\n> you said\n>> before\nend');
    expect(html).toContain('Yes &lt;b&gt;!&lt;/b&gt;<br>');
    expect(html.match(/<blockquote/g)).toHaveLength(2);
    expect(html.indexOf('before')).toBeLessThan(html.lastIndexOf('</blockquote>'));
    expect(html).toContain('end<br>');
  });
});
