// A reader for Apple XML property lists (.plist, .mobileconfig) in tests: dict, array, string,
// integer, real, true, false, data (base64 → Buffer), date. Keys keep their document order;
// a key given twice in one dict is an error, as it is for Apple's parser.
import { XMLParser } from 'fast-xml-parser';

export type PlistValue = string | number | boolean | Buffer | Date | PlistValue[] | { [key: string]: PlistValue };

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, trimValues: false, parseTagValue: false, processEntities: true });

function tagOf(n: Node): string {
  return Object.keys(n).find((k) => k !== ':@')!;
}
function textOf(children: Node[]): string {
  return children.map((c) => String(c['#text'] ?? '')).join('');
}

function value(n: Node): PlistValue {
  const tag = tagOf(n);
  const children = (n[tag] as Node[]) ?? [];
  const elements = children.filter((c) => tagOf(c) !== '#text');
  switch (tag) {
    case 'string':
      return textOf(children);
    case 'integer': {
      const t = textOf(children).trim();
      if (!/^-?\d+$/.test(t)) throw new Error(`not an integer: ${t}`);
      return Number(t);
    }
    case 'real':
      return Number(textOf(children).trim());
    case 'true':
      return true;
    case 'false':
      return false;
    case 'date':
      return new Date(textOf(children).trim());
    case 'data':
      return Buffer.from(textOf(children).replace(/\s+/g, ''), 'base64');
    case 'array':
      return elements.map(value);
    case 'dict': {
      const out: Record<string, PlistValue> = {};
      for (let i = 0; i < elements.length; i += 2) {
        const k = elements[i]!;
        if (tagOf(k) !== 'key') throw new Error(`dict: expected <key>, got <${tagOf(k)}>`);
        const key = textOf((k.key as Node[]) ?? []);
        if (key in out) throw new Error(`dict: key ${key} given twice`);
        if (!elements[i + 1]) throw new Error(`dict: key ${key} has no value`);
        out[key] = value(elements[i + 1]!);
      }
      return out;
    }
    default:
      throw new Error(`not a plist element: <${tag}>`);
  }
}

export function parsePlist(xml: string): PlistValue {
  const doc = parser.parse(xml) as Node[];
  const root = doc.find((n) => tagOf(n) === 'plist');
  if (!root) throw new Error('no <plist> element');
  if (root[':@']?.['@_version'] !== '1.0') throw new Error('plist version is not 1.0');
  const inner = (root.plist as Node[]).filter((c) => tagOf(c) !== '#text');
  if (inner.length !== 1) throw new Error('a plist holds exactly one value');
  return value(inner[0]!);
}
