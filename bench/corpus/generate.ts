// A realistic mailbox of any size, written straight into a Maildir (Dovecot's file names, with
// S= and W= sizes and the flag suffix), seeded so the same seed gives the same bytes.
//   node bench/corpus/generate.ts OUT_MAILDIR [N=10000] [SEED=42]
// Mix: threads (In-Reply-To/References, "Re:" subjects); 65% text/plain, 25% multipart/alternative
// (plain + HTML), 10% multipart/mixed with one attachment (PDF, image, spreadsheet); languages:
// English, German and French (accents), Russian, Greek, Chinese, Japanese, Arabic; non-ASCII
// subjects and names as RFC 2047 encoded-words; 75% seen, 8% flagged. Dates ascend over two years.
// Tests call generateCorpus with a small N; ../../shared/bench/gen-corpus.py is the older, English-only one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../test/support/seeded-random.ts';

export type Language = 'en' | 'de' | 'fr' | 'ru' | 'el' | 'zh' | 'ja' | 'ar';

/** Words of each language; CJK "words" are joined without spaces, as those scripts are written. */
export const VOCABULARY: Record<Language, string[]> = {
  en: 'meeting release server mailbox invoice project schedule review deploy budget quarter customer report update question thanks please attached draft version issue ticket network storage backup password account migration calendar agenda notes summary deadline feedback proposal contract shipping order payment receipt travel hotel garden weather dinner weekend family holiday'.split(
    ' ',
  ),
  de: 'Besprechung Rechnung Übersicht Größe Straße Bestätigung Änderung Prüfung Termin Vertrag Lieferung Zahlung Grüße Frühstück Wochenende Urlaub Kündigung Schlüssel Bürgermeister Gebühr'.split(
    ' ',
  ),
  fr: 'réunion facture été café élève problème déjà très bientôt prêt mémoire numéro équipe réponse société garçon fenêtre hôtel château première'.split(' '),
  ru: 'встреча счёт отчёт проект письмо договор оплата неделя понедельник привет спасибо задача сервер пароль доставка праздник семья погода ужин'.split(' '),
  el: 'συνάντηση τιμολόγιο αναφορά έργο καλημέρα ευχαριστώ εβδομάδα πληρωμή σύμβαση παράδοση διακοπές οικογένεια καιρός δείπνο'.split(' '),
  zh: '会议 发票 报告 项目 服务器 密码 合同 付款 发货 周末 家庭 天气 晚饭 问题 更新 预算 客户 日程'.split(' '),
  ja: '会議 請求書 報告 東京 予定 確認 お願い ありがとう 週末 天気 夕食 家族 問題 更新 予算 お客様 資料 出張'.split(' '),
  ar: 'اجتماع فاتورة تقرير مشروع شكرا الأسبوع دفع عقد شحن عطلة عائلة طقس عشاء سؤال تحديث ميزانية'.split(' '),
};

const LANG_WEIGHTS: [Language, number][] = [
  ['en', 0.55],
  ['de', 0.1],
  ['fr', 0.1],
  ['ru', 0.07],
  ['el', 0.04],
  ['zh', 0.06],
  ['ja', 0.05],
  ['ar', 0.03],
];
const NAMES: Record<Language, string[]> = {
  en: ['Alice Martin', 'Bob Chen', 'Carol Diaz', 'Dave Patel', 'Grace Kim', 'Judy O’Brien', 'Trent Walker'],
  de: ['Jürgen Müller', 'Käthe Schäfer', 'Björn Weiß'],
  fr: ['Zoë Dubois', 'Hélène Lefèvre', 'François Girard'],
  ru: ['Иван Петров', 'Мария Смирнова'],
  el: ['Νίκος Παπαδόπουλος', 'Ελένη Γεωργίου'],
  zh: ['王伟', '李娜'],
  ja: ['田中太郎', '佐藤花子'],
  ar: ['سارة أحمد', 'محمد علي'],
};
const DOMAINS = ['example.test', 'example.org', 'corp.example.com', 'mail.example.net', 'lists.example.io'];
const CJK: Language[] = ['zh', 'ja'];
const ATTACHMENTS = [
  ['pdf', 'application/pdf'],
  ['jpg', 'image/jpeg'],
  ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
] as const;

export interface CorpusOptions {
  dir: string;
  count: number;
  seed?: number;
  /** The newest message's date (ms); the corpus spans two years before it. Default: 2026-01-01. */
  end?: number;
}

export interface CorpusStats {
  messages: number;
  bytes: number;
  plain: number;
  alternative: number;
  attachments: number;
  replies: number;
  unread: number;
  byLanguage: Record<Language, number>;
}

function accountName(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.');
  return ascii.replace(/^\.|\.$/g, '') || 'user';
}

/** RFC 2047 B encoding for a header value with non-ASCII characters. */
function encodeWord(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function wrapBase64(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Writes `count` messages into dir/cur (creating the Maildir); returns what it wrote. */
export function generateCorpus(opts: CorpusOptions): CorpusStats {
  const rnd = seededRandom(opts.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const language = (): Language => {
    let r = rnd();
    for (const [l, w] of LANG_WEIGHTS) if ((r -= w) < 0) return l;
    return 'en';
  };
  const sentence = (lang: Language): string => {
    const words = Array.from({ length: int(5, 14) }, () => pick(VOCABULARY[lang]));
    // English filler keeps non-English mail realistic (mixed-language business mail) and searchable by common words.
    if (lang !== 'en' && rnd() < 0.3) words.splice(int(0, words.length), 0, pick(VOCABULARY.en));
    const text = CJK.includes(lang) ? words.join('') : words.join(' ');
    return (CJK.includes(lang) ? text + '。' : text[0]!.toUpperCase() + text.slice(1) + pick(['.', '.', '?', '!'])).normalize('NFC');
  };
  const paragraphs = (lang: Language, bytes: number): string[] => {
    const out: string[] = [];
    let size = 0;
    while (size < bytes) {
      const p = Array.from({ length: int(2, 5) }, () => sentence(lang)).join(' ');
      out.push(p);
      size += Buffer.byteLength(p) + 2;
    }
    return out;
  };
  const wrap = (p: string) => (p.match(/.{1,72}(\s|$)|\S+/gu) ?? [p]).map((l) => l.trimEnd()).join('\n');
  const person = (lang: Language) => {
    const name = pick(NAMES[lang]);
    return { name, address: `${accountName(name)}@${pick(DOMAINS)}` };
  };
  const mailbox = (p: { name: string; address: string }) => `${encodeWord(p.name)} <${p.address}>`;

  const cur = path.join(opts.dir, 'cur');
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(path.join(opts.dir, d), { recursive: true });
  const end = Math.floor((opts.end ?? Date.UTC(2026, 0, 1)) / 1000);
  const span = 2 * 365 * 86_400;
  const step = Math.max(1, Math.floor(span / Math.max(1, opts.count)));
  const start = end - span;
  const threads: { subject: string; lang: Language; ids: string[] }[] = [];
  const stats: CorpusStats = {
    messages: 0,
    bytes: 0,
    plain: 0,
    alternative: 0,
    attachments: 0,
    replies: 0,
    unread: 0,
    byLanguage: { en: 0, de: 0, fr: 0, ru: 0, el: 0, zh: 0, ja: 0, ar: 0 },
  };
  for (let i = 0; i < opts.count; i++) {
    const ts = start + i * step + Math.floor(rnd() * Math.max(1, step / 2));
    const date = new Date(ts * 1000).toUTCString().replace('GMT', '+0000');
    const messageId = `<${ts.toString(16)}.${i}.${Math.floor(rnd() * 2 ** 40).toString(16)}@${pick(DOMAINS)}>`;
    const headers: string[] = [];
    let subject: string;
    let lang: Language;
    const thread = threads.length && rnd() < 0.45 ? threads[Math.max(0, threads.length - 1 - Math.floor(rnd() * Math.min(50, threads.length)))]! : null;
    if (thread) {
      lang = thread.lang;
      subject = `Re: ${thread.subject}`;
      const refs = thread.ids.slice(-10);
      headers.push(`In-Reply-To: ${refs[refs.length - 1]}`, `References: ${refs.join('\n ')}`);
      thread.ids.push(messageId);
      stats.replies++;
      if (thread.ids.length >= int(2, 8)) threads.splice(threads.indexOf(thread), 1);
    } else {
      lang = language();
      const words = Array.from({ length: int(2, 6) }, () => pick(VOCABULARY[lang]));
      subject = CJK.includes(lang) ? words.join('') : words.join(' ');
      subject = subject[0]!.toUpperCase() + subject.slice(1);
      if (rnd() < 0.6) threads.push({ subject, lang, ids: [messageId] });
    }
    stats.byLanguage[lang]++;
    const from = person(lang);
    const to = person(rnd() < 0.7 ? lang : 'en');
    const kind = rnd();
    const boundary = `=_b${Math.floor(rnd() * 2 ** 48).toString(16)}`;
    let contentType: string;
    let body: string;
    const text = paragraphs(lang, int(600, 6000)).map(wrap).join('\n\n');
    if (kind < 0.65) {
      stats.plain++;
      contentType = 'text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit';
      body = text;
    } else if (kind < 0.9) {
      stats.alternative++;
      const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><style>p{margin:0 0 1em;color:#222}</style></head><body>\n${text
        .split('\n\n')
        .map((p) => `<p>${escapeHtml(p).replace(/\n/g, ' ')}</p>`)
        .join('\n')}\n</body></html>`;
      contentType = `multipart/alternative; boundary="${boundary}"`;
      body =
        `--${boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${text}\n` +
        `--${boundary}\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${html}\n--${boundary}--`;
    } else {
      stats.attachments++;
      const [ext, mime] = pick(ATTACHMENTS);
      const filename = `${pick(VOCABULARY.en)}-${i}.${ext}`;
      const data = Buffer.alloc(int(4, 40) * 1024);
      for (let b = 0; b < data.length; b += 4) data.writeUInt32LE(Math.floor(rnd() * 2 ** 32), b);
      contentType = `multipart/mixed; boundary="${boundary}"`;
      body =
        `--${boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${text}\n` +
        `--${boundary}\nContent-Type: ${mime}; name="${filename}"\nContent-Disposition: attachment; filename="${filename}"\n` +
        `Content-Transfer-Encoding: base64\n\n${wrapBase64(data)}\n--${boundary}--`;
    }
    headers.unshift(`From: ${mailbox(from)}`, `To: ${mailbox(to)}`);
    if (rnd() < 0.25) headers.push(`Cc: ${mailbox(person(pick(LANG_WEIGHTS)[0]))}`);
    headers.push(`Subject: ${encodeWord(subject)}`, `Date: ${date}`, `Message-ID: ${messageId}`, 'MIME-Version: 1.0', `Content-Type: ${contentType}`);
    const raw = Buffer.from(`Return-Path: <${from.address}>\n${headers.join('\n')}\n\n${body}\n`, 'utf8');
    const seen = rnd() < 0.75;
    const flagged = rnd() < 0.08;
    if (!seen) stats.unread++;
    const lines = raw.reduce((n, c) => n + (c === 10 ? 1 : 0), 0);
    const file = path.join(cur, `${ts}.M${i}P1.corpus,S=${raw.length},W=${raw.length + lines}:2,${flagged ? 'F' : ''}${seen ? 'S' : ''}`);
    writeFileSync(file, raw);
    utimesSync(file, ts, ts);
    stats.messages++;
    stats.bytes += raw.length;
  }
  return stats;
}

/**
 * The same in a child process, for benches that measure their own memory: the generator's garbage
 * (hundreds of MB at 100,000 messages) then never counts towards it.
 */
export function generateCorpusApart(opts: CorpusOptions): CorpusStats {
  const script = `import(${JSON.stringify(import.meta.filename)}).then((m) => process.stdout.write(JSON.stringify(m.generateCorpus(${JSON.stringify(opts)}))))`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 }),
  ) as CorpusStats;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [dir, n, seed] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node bench/corpus/generate.ts OUT_MAILDIR [N=10000] [SEED=42]');
    process.exit(2);
  }
  const t = performance.now();
  const stats = generateCorpus({ dir, count: Number(n ?? 10_000), seed: Number(seed ?? 42) });
  console.log(`wrote ${stats.messages} messages (${(stats.bytes / 1048576).toFixed(1)} MiB) to ${dir} in ${(performance.now() - t).toFixed(0)} ms`, stats);
}
