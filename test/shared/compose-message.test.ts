// The ComposeMessage contract both ends check: every cid: image of the HTML comes with its part.
import { describe, expect, it } from 'vitest';
import { ComposeMessage, methods } from '../../src/shared/api.ts';

const base = { accountId: 'a', text: 'Look: [cake]\n', html: '<p>Look: <img src="cid:cake@hearth"></p>' };
const cake = { filename: 'cake.png', contentType: 'image/png', contentBase64: 'AAAA', contentId: 'cake@hearth' };

describe('ComposeMessage', () => {
  it('takes HTML whose cid: images have their parts', () => {
    expect(methods['outbox.send'].args.safeParse({ ...base, attachments: [cake] }).success).toBe(true);
  });

  it('refuses a cid: image without its part, naming the html field', () => {
    const r = methods['outbox.send'].args.safeParse({ ...base, attachments: [] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['html'], message: 'The inline image cid:cake@hearth has no part' });
    expect(methods['drafts.save'].args.safeParse({ ...base, attachments: [] }).success).toBe(false);
  });

  it('refuses a Content-ID with angle brackets or spaces', () => {
    expect(ComposeMessage.safeParse({ ...base, attachments: [{ ...cake, contentId: '<cake@hearth>' }] }).success).toBe(false);
    expect(ComposeMessage.safeParse({ ...base, html: '', attachments: [{ ...cake, contentId: 'ca ke' }] }).success).toBe(false);
  });
});
