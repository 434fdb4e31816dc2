// Conversations, computed locally (JWZ, https://www.jwz.org/doc/threading.html): parents come from
// Message-ID, In-Reply-To and References; the subject is only a fallback for mail without them.

/** Reply and forward prefixes as mail programs write them ("Re:", "RE:", "Aw:", "Fwd:", "Re[2]:", "SV:"…). */
const PREFIX = /^\s*(?:(?:re|aw|sv|antw|fwd?|wg|tr|rif|réf|vs)\s*(?:\[\d+\])?\s*[:：]\s*|\[[^\]]{1,40}\]\s*)/i;

/** The subject without reply/forward prefixes and list tags, case- and space-normalised. */
export function baseSubject(subject: string): string {
  let s = subject;
  for (let i = 0; i < 20; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** True when the subject says it is a reply or forward of something. */
export function isReplySubject(subject: string): boolean {
  return /^\s*(?:re|aw|sv|antw|fwd?|wg|tr|rif|réf|vs)\s*(?:\[\d+\])?\s*[:：]/i.test(subject);
}

/** Message-IDs in a References / In-Reply-To header value, in order, without duplicates. */
export function parseMessageIds(value: string | null | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const m of value.matchAll(/<([^<>\s]+)>/g)) {
    const id = `<${m[1]}>`;
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

export interface ThreadInput {
  id: number;
  messageId: string | null;
  /** References then In-Reply-To, oldest first: the last entry is the direct parent. */
  parentIds: string[];
  subject: string;
  date: number;
}

export interface ThreadNode<T extends ThreadInput = ThreadInput> {
  message: T | null;
  messageId: string;
  children: ThreadNode<T>[];
}

/**
 * JWZ steps 1–5 over a set of messages: containers per Message-ID, linked by References, a
 * message's own parent taken from its last reference; loops refused; empty containers pruned
 * (promoting their children); roots without references grouped by base subject. Children are
 * sorted by date.
 */
export function buildThreadTree<T extends ThreadInput>(messages: T[]): ThreadNode<T>[] {
  const table = new Map<string, ThreadNode<T> & { parent: ThreadNode<T> | null }>();
  type C = ThreadNode<T> & { parent: ThreadNode<T> | null };
  const container = (id: string): C => {
    let c = table.get(id);
    if (!c) {
      c = { message: null, messageId: id, children: [], parent: null };
      table.set(id, c);
    }
    return c;
  };
  const reachable = (from: C, target: C): boolean => {
    for (let c: C | null = from; c; c = c.parent as C | null) if (c === target) return true;
    return false;
  };
  const link = (parent: C, child: C) => {
    if (child.parent || parent === child || reachable(parent, child)) return;
    child.parent = parent;
    parent.children.push(child);
  };
  for (const m of messages) {
    let c = m.messageId ? container(m.messageId) : undefined;
    if (!c || c.message) c = container(`<hearth-${m.id}@local>`); // no or duplicate Message-ID
    c.message = m;
    let prev: C | null = null;
    for (const ref of m.parentIds) {
      const r = container(ref);
      if (prev) link(prev, r);
      prev = r;
    }
    if (prev && prev !== c) {
      // The message's own References win over what another message implied.
      if (c.parent && c.parent !== prev) {
        const old = c.parent;
        old.children = old.children.filter((x) => x !== c);
        c.parent = null;
      }
      link(prev, c);
    }
  }
  const prune = (nodes: C[]): ThreadNode<T>[] => {
    const out: ThreadNode<T>[] = [];
    for (const n of nodes) {
      const kids = prune(n.children as C[]);
      if (!n.message) out.push(...kids);
      else out.push({ message: n.message, messageId: n.messageId, children: sortByDate(kids) });
    }
    return out;
  };
  const roots = prune([...table.values()].filter((c) => !c.parent));
  // Step 5: roots that share a base subject and carry no references form one conversation.
  const bySubject = new Map<string, ThreadNode<T>>();
  const result: ThreadNode<T>[] = [];
  for (const r of sortByDate(roots)) {
    const m = r.message!;
    const key = baseSubject(m.subject);
    const first = key ? bySubject.get(key) : undefined;
    if (first && m.parentIds.length === 0 && isReplySubject(m.subject)) {
      first.children = sortByDate([...first.children, r]);
      continue;
    }
    if (key && !bySubject.has(key)) bySubject.set(key, r);
    result.push(r);
  }
  return result;
}

function sortByDate<T extends ThreadInput>(nodes: ThreadNode<T>[]): ThreadNode<T>[] {
  return nodes.sort((a, b) => (a.message?.date ?? 0) - (b.message?.date ?? 0));
}
