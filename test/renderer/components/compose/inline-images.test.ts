// Pasted images: data: URLs in the editor become cid: parts of the message, and back for a draft.
import { describe, expect, it } from 'vitest';
import { extractInlineImages, inlineToDataUrls } from '../../../../src/renderer/src/components/compose/inline-images.ts';

describe('inline images', () => {
  it('gives each distinct data: image one cid part and rewrites every use', () => {
    let n = 0;
    const html =
      '<p>a<img src="data:image/png;base64,AAAA" alt="x">b<img class="c" src="data:image/png;base64,AAAA"><img src="data:image/jpeg;base64,/9j/"></p>';
    const { html: out, images } = extractInlineImages(html, () => `id${++n}`);
    expect(out).toBe('<p>a<img src="cid:id1@hearth" alt="x">b<img class="c" src="cid:id1@hearth"><img src="cid:id2@hearth"></p>');
    expect(images).toEqual([
      { filename: 'image-1.png', contentType: 'image/png', contentBase64: 'AAAA', contentId: 'id1@hearth' },
      { filename: 'image-2.jpg', contentType: 'image/jpeg', contentBase64: '/9j/', contentId: 'id2@hearth' },
    ]);
  });

  it('turns cid: images back into data: URLs and keeps the other attachments', () => {
    const r = inlineToDataUrls('<img src="cid:k@hearth"><img src="cid:gone@x">', [
      { filename: 'i.png', contentType: 'image/png', contentBase64: 'AAAA', contentId: 'k@hearth' },
      { filename: 'a.pdf', contentType: 'application/pdf', contentBase64: 'JVBE' },
    ]);
    expect(r.html).toBe('<img src="data:image/png;base64,AAAA"><img src="cid:gone@x">');
    expect(r.attachments.map((a) => a.filename)).toEqual(['a.pdf']);
  });
});
