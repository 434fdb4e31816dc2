// The plain-text twin sent next to the HTML: built from the editor's document tree.
import { describe, expect, it } from 'vitest';
import { docToText, textToEditorHtml } from '../../../../src/renderer/src/components/compose/text-twin.ts';

const p = (...content: object[]) => ({ type: 'paragraph', content });
const t = (text: string, ...marks: object[]) => ({ type: 'text', text, ...(marks.length ? { marks } : {}) });
const link = (href: string) => ({ type: 'link', attrs: { href } });
const li = (...content: object[]) => ({ type: 'listItem', content });

describe('docToText', () => {
  it('writes paragraphs apart, bold as plain text, links as "text <url>"', () => {
    const doc = {
      type: 'doc',
      content: [
        p(t('Hello '), t('there', { type: 'bold' }), t(',')),
        p(t('See '), t('our ', link('https://example.org/a')), t('site', link('https://example.org/a'), { type: 'bold' }), t(' today.')),
        p(t('https://x.test/', link('https://x.test/'))),
      ],
    };
    expect(docToText(doc)).toBe('Hello there,\n\nSee our site <https://example.org/a> today.\n\nhttps://x.test/\n');
  });

  it('writes lists as "- " and "1. ", nested lists indented, quotes with "> ", breaks and images', () => {
    const doc = {
      type: 'doc',
      content: [
        { type: 'bulletList', content: [li(p(t('milk'))), li(p(t('eggs')), { type: 'bulletList', content: [li(p(t('brown')))] })] },
        { type: 'orderedList', attrs: { start: 3 }, content: [li(p(t('three'))), li(p(t('four')))] },
        { type: 'blockquote', content: [p(t('quoted'), { type: 'hardBreak' }, t('twice'))] },
        p(t('Look: '), { type: 'image', attrs: { src: 'data:image/png;base64,AA==', alt: 'cake' } }),
        { type: 'image', attrs: { src: 'data:image/png;base64,AA==' } },
      ],
    };
    expect(docToText(doc)).toBe('- milk\n- eggs\n  - brown\n\n3. three\n4. four\n\n> quoted\n> twice\n\nLook: [cake]\n\n[image]\n');
  });

  it('keeps the "-- " signature separator and drops other trailing spaces', () => {
    const doc = { type: 'doc', content: [p(t('Hi  ')), p(t('-- '), { type: 'hardBreak' }, t('Ann'))] };
    expect(docToText(doc)).toBe('Hi\n\n-- \nAnn\n');
  });

  it('keeps an empty document empty but ended', () => {
    expect(docToText({ type: 'doc', content: [{ type: 'paragraph' }] })).toBe('\n');
  });
});

describe('textToEditorHtml', () => {
  it('keeps lines of a paragraph together, escapes, and turns "> " lines into a quote', () => {
    expect(textToEditorHtml('Hi <you> & me\nsecond line\n\nOn Monday Ann wrote:\n> Thursday?\n> > older\n')).toBe(
      '<p>Hi &lt;you&gt; &amp; me<br>second line</p><p>On Monday Ann wrote:</p><blockquote><p>Thursday?</p><blockquote><p>older</p></blockquote></blockquote>',
    );
  });
  it('keeps a leading blank line (where a reply is typed) as one empty paragraph', () => {
    expect(textToEditorHtml('\n\n-- \nAnn')).toBe('<p></p><p>-- <br>Ann</p>');
  });
});
