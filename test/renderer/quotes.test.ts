// Quoted text collapsed in plain-text bodies: each run of "> " lines becomes one <details>.
import { describe, expect, it } from 'vitest';
import { quotedTextToHtml } from '../../src/renderer/src/quotes.ts';

describe('quoted text', () => {
  it('collapses each run of quoted lines, escaping everything', () => {
    const html = quotedTextToHtml('Yes <b>please</b>.\nOn Monday Ann wrote:\n> Tomatoes?\n> > Beans\nThanks\n> again');
    expect(html).toBe(
      '<pre style="font:inherit">Yes &lt;b&gt;please&lt;/b&gt;.\nOn Monday Ann wrote:</pre>' +
        '<details class="quoted"><summary title="Show quoted text">•••</summary><pre style="font:inherit">&gt; Tomatoes?\n&gt; &gt; Beans</pre></details>' +
        '<pre style="font:inherit">Thanks</pre>' +
        '<details class="quoted"><summary title="Show quoted text">•••</summary><pre style="font:inherit">&gt; again</pre></details>',
    );
  });

  it('leaves text without quotes as one block', () => {
    expect(quotedTextToHtml('See https://example.test/a?b=1')).toBe(
      '<pre style="font:inherit">See <a href="https://example.test/a?b=1">https://example.test/a?b=1</a></pre>',
    );
  });
});
