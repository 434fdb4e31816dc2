// The benchmark corpus generator: the same seed gives the same Maildir, and what it writes is mail
// (threads, several scripts, HTML, attachments) that the cache's own readers can parse.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/corpus/generate.ts';
import { messageText } from '../../src/main/mail/message-text.ts';
import { tempDir } from '../support/temp-dir.ts';

const files = (dir: string) => readdirSync(path.join(dir, 'cur')).sort();

describe('generateCorpus', () => {
  it('is deterministic, Dovecot-named, threaded and multilingual', () => {
    const [a, b] = [tempDir('corpus'), tempDir('corpus')];
    const stats = generateCorpus({ dir: a, count: 300, seed: 5 });
    generateCorpus({ dir: b, count: 300, seed: 5 });
    expect(files(a)).toEqual(files(b));
    for (const f of files(a).slice(0, 20)) expect(readFileSync(path.join(a, 'cur', f)).equals(readFileSync(path.join(b, 'cur', f)))).toBe(true);
    expect(stats.messages).toBe(300);
    expect(stats.replies).toBeGreaterThan(50);
    expect(stats.alternative).toBeGreaterThan(30);
    expect(stats.attachments).toBeGreaterThan(10);
    for (const lang of ['de', 'fr', 'ru', 'el', 'zh', 'ja', 'ar'] as const) expect(stats.byLanguage[lang]).toBeGreaterThan(0);
    for (const f of files(a)) {
      const raw = readFileSync(path.join(a, 'cur', f));
      expect(f).toMatch(new RegExp(`^\\d+\\.M\\d+P1\\.corpus,S=${raw.length},W=\\d+:2,F?S?$`));
      expect(messageText(raw, 1000).text.length).toBeGreaterThan(0);
    }
    const all = files(a).map((f) => readFileSync(path.join(a, 'cur', f), 'utf8'));
    expect(all.some((m) => /^In-Reply-To: </m.test(m) && /^Subject: Re: /m.test(m))).toBe(true);
    expect(all.some((m) => /Content-Disposition: attachment; filename=/.test(m))).toBe(true);
  });
});
