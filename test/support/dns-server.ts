// A tiny authoritative DNS server on loopback UDP (node:dgram) for tests that go through a real
// resolver (`hearth serve --resolver 127.0.0.1:PORT`, an injected node:dns Resolver): MX, A, AAAA,
// TXT, SRV and CNAME from a zone map (a CNAME answers every type, followed by the target's records
// of that type when the zone has them), NXDOMAIN for unknown names, an empty answer for known
// names without the asked type.
import dgram from 'node:dgram';

export interface Zone {
  mx?: Record<string, Array<{ priority: number; exchange: string }>>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  txt?: Record<string, string[]>;
  srv?: Record<string, Array<{ priority: number; weight: number; port: number; target: string }>>;
  cname?: Record<string, string>;
}

const TYPE = { A: 1, CNAME: 5, MX: 15, TXT: 16, AAAA: 28, SRV: 33 } as const;

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (buf[i]! !== 0) {
    const len = buf[i]!;
    labels.push(buf.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

function rr(name: string, type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(1, 2); // IN
  head.writeUInt32BE(60, 4);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(name), head, rdata]);
}

function ipv6Bytes(addr: string): Buffer {
  const [head, tail] = addr.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return b;
}

function records(zone: Zone, name: string, qtype: number): Buffer[] {
  const answers: Buffer[] = [];
  if (qtype === TYPE.MX) {
    for (const r of zone.mx?.[name] ?? []) {
      const pref = Buffer.alloc(2);
      pref.writeUInt16BE(r.priority);
      answers.push(rr(name, TYPE.MX, Buffer.concat([pref, encodeName(r.exchange)])));
    }
  } else if (qtype === TYPE.A) {
    for (const a of zone.a?.[name] ?? []) answers.push(rr(name, TYPE.A, Buffer.from(a.split('.').map(Number))));
  } else if (qtype === TYPE.AAAA) {
    for (const a of zone.aaaa?.[name] ?? []) answers.push(rr(name, TYPE.AAAA, ipv6Bytes(a)));
  } else if (qtype === TYPE.TXT) {
    for (const t of zone.txt?.[name] ?? []) {
      const chunks = (t.match(/.{1,255}/g) ?? ['']).map((c) => Buffer.concat([Buffer.from([c.length]), Buffer.from(c)]));
      answers.push(rr(name, TYPE.TXT, Buffer.concat(chunks)));
    }
  } else if (qtype === TYPE.SRV) {
    for (const r of zone.srv?.[name] ?? []) {
      const head = Buffer.alloc(6);
      head.writeUInt16BE(r.priority, 0);
      head.writeUInt16BE(r.weight, 2);
      head.writeUInt16BE(r.port, 4);
      answers.push(rr(name, TYPE.SRV, Buffer.concat([head, encodeName(r.target)])));
    }
  }
  return answers;
}

export function answer(zone: Zone, query: Buffer): Buffer {
  const id = query.readUInt16BE(0);
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const known = [zone.mx, zone.a, zone.aaaa, zone.txt, zone.srv, zone.cname].some((m) => m && name in m);
  const alias = zone.cname?.[name];
  const answers = alias
    ? [rr(name, TYPE.CNAME, encodeName(alias)), ...(qtype === TYPE.CNAME ? [] : records(zone, alias.replace(/\.$/, '').toLowerCase(), qtype))]
    : records(zone, name, qtype);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x8400 | 0x0100 | (known ? 0 : 3), 2); // QR, AA, RD echoed, RCODE
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}

export async function startDnsServer(zone: Zone): Promise<{ port: number; queries: string[]; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    try {
      const { name, end } = readName(msg, 12);
      queries.push(`${msg.readUInt16BE(end)} ${name}`);
      socket.send(answer(zone, msg), rinfo.port, rinfo.address);
    } catch {
      /* malformed query: no answer */
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, queries, close: () => new Promise((r) => socket.close(() => r())) };
}
