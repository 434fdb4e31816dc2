// The message list's preview line: markup, entities and quoted replies taken out, white space folded.

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** One line of readable text for the message list. */
export function makeSnippet(text: string, type: 'text/plain' | 'text/html', maxChars: number): string {
  let t = text;
  if (type === 'text/html') {
    t = t
      .replace(/<(style|script|head|title)[\s\S]*?(<\/\1>|$)/gi, ' ')
      .replace(/<[^>]*>?/g, ' ')
      .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
        if (e[0] === '#') {
          const cp = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
          return Number.isFinite(cp) && cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : ' ';
        }
        return ENTITY[e.toLowerCase()] ?? m;
      });
  } else {
    // Drop quoted replies so the snippet shows what is new; stop once there is enough text.
    const kept: string[] = [];
    let length = 0;
    for (const line of t.split('\n')) {
      if (line.startsWith('>')) continue;
      kept.push(line);
      length += line.length;
      if (length > maxChars * 2) break;
    }
    t = kept.join(' ');
  }
  return t.replace(/\s+/g, ' ').trim().slice(0, maxChars);
}
