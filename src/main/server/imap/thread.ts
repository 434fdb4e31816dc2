// THREAD algorithms (RFC 5256 4-5): ORDEREDSUBJECT and REFERENCES, and the THREAD response
// syntax. Pure: works on what the caller read from each message's header.
import type { BaseSubject } from './protocol/base-subject.ts';

export interface ThreadMessage {
  /** The number the response names: MSN, or UID for UID THREAD. */
  n: number;
  /** Sequence number, the final tie-breaker. */
  msn: number;
  /** RFC 5256 2.2 sent date (internal date when the Date: header does not parse), ms. */
  date: number;
  subject: BaseSubject;
  messageId: string | null;
  /** References (or else In-Reply-To) msg-ids, oldest first. */
  references: string[];
}

export interface ThreadNode {
  /** null for a dummy: a message the others refer to but that is not here. */
  message: ThreadMessage | null;
  children: ThreadNode[];
}

/** The "<…>" msg-ids of a header, whitespace inside them removed (RFC 5322 3.6.4). */
export function msgIds(value: string | null): string[] {
  if (!value) return [];
  return (value.match(/<[^<>]*>/g) ?? []).map((id) => id.replace(/\s+/g, '')).filter((id) => id.length > 2);
}

/** Sort key of a node: its message's date, or a dummy's first child's (RFC 5256 4 step 6). */
function firstMessage(node: ThreadNode): ThreadMessage | null {
  return node.message ?? (node.children[0] ? firstMessage(node.children[0]) : null);
}

function byDate(a: ThreadNode, b: ThreadNode): number {
  const x = firstMessage(a);
  const y = firstMessage(b);
  if (!x || !y) return 0;
  return x.date - y.date || x.msn - y.msn;
}

/** Sort every set of siblings by sent date, children first (a dummy takes its first child's date). */
function sortTree(nodes: ThreadNode[]): ThreadNode[] {
  for (const n of nodes) sortTree(n.children);
  return nodes.sort(byDate);
}

/**
 * ORDEREDSUBJECT (RFC 5256 5): messages grouped by base subject; in each group the earliest is
 * the parent and the others its children; groups ordered by their first message's date.
 */
export function threadOrderedSubject(messages: readonly ThreadMessage[]): ThreadNode[] {
  const sorted = [...messages].sort(
    (a, b) => (a.subject.subject < b.subject.subject ? -1 : a.subject.subject > b.subject.subject ? 1 : 0) || a.date - b.date || a.msn - b.msn,
  );
  const threads: ThreadNode[] = [];
  let current: ThreadNode | null = null;
  for (const m of sorted) {
    if (current && current.message!.subject.subject === m.subject.subject) current.children.push({ message: m, children: [] });
    else {
      current = { message: m, children: [] };
      threads.push(current);
    }
  }
  return threads.sort(byDate);
}

interface Container extends ThreadNode {
  parent: Container | null;
  children: Container[];
}

const isAncestor = (a: Container, of: Container): boolean => {
  for (let p: Container | null = of; p; p = p.parent) if (p === a) return true;
  return false;
};

function unlink(c: Container): void {
  if (!c.parent) return;
  c.parent.children = c.parent.children.filter((x) => x !== c);
  c.parent = null;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

/** REFERENCES (RFC 5256 4): threads by References/In-Reply-To, then roots grouped by base subject. */
export function threadReferences(messages: readonly ThreadMessage[]): ThreadNode[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const container = (id: string): Container => {
    let c = byId.get(id);
    if (!c) {
      c = { message: null, children: [], parent: null };
      byId.set(id, c);
      all.push(c);
    }
    return c;
  };
  // (1) The id table.
  for (const m of messages) {
    // (1A) A missing or duplicate Message-ID makes the message unique.
    let own = m.messageId !== null ? byId.get(m.messageId) : undefined;
    if (m.messageId === null || (own && own.message)) {
      own = { message: m, children: [], parent: null };
      all.push(own);
    } else {
      own = container(m.messageId);
      own.message = m;
    }
    // (1B) Link the references in order, each under the one before, unless already placed or a loop.
    const refs = m.references.filter((id) => id !== m.messageId).map(container);
    for (let i = 1; i < refs.length; i++) {
      const [parent, child] = [refs[i - 1]!, refs[i]!];
      if (child.parent || parent === child || isAncestor(child, parent)) continue;
      link(parent, child);
    }
    // (1C) The message goes under its last reference (or to the top without one), unless that loops.
    const last = refs[refs.length - 1];
    if (last && (last === own || isAncestor(own, last))) continue;
    unlink(own);
    if (last) link(last, own);
  }
  // (2) The root set; (4) dummies pruned.
  let roots = prune(
    all.filter((c) => !c.parent),
    true,
  );
  // (5) Roots with the same base subject gathered together.
  roots = groupBySubject(roots);
  // (6) Siblings by date.
  return sortTree(roots);
}

function prune(nodes: Container[], atRoot: boolean): Container[] {
  const out: Container[] = [];
  for (const n of nodes) {
    n.children = prune(n.children, false);
    for (const c of n.children) c.parent = n;
    if (n.message) out.push(n);
    else if (!n.children.length) continue;
    // A dummy's children take its place, except for several children at the top, which keep it.
    else if (atRoot && n.children.length > 1) out.push(n);
    else
      for (const c of n.children) {
        c.parent = atRoot ? null : n.parent;
        out.push(c);
      }
  }
  return out;
}

function groupBySubject(roots: Container[]): Container[] {
  const subjectOf = (c: Container) => (c.message ?? c.children[0]!.message)!.subject;
  const table = new Map<string, Container>();
  // (5A) The table: per base subject, a dummy over a message, a non-reply over a reply.
  for (const r of roots) {
    const s = subjectOf(r);
    if (!s.subject) continue;
    const old = table.get(s.subject);
    if (!old || (!r.message && old.message) || (old.message && r.message && old.message.subject.replyOrForward && !s.replyOrForward)) table.set(s.subject, r);
  }
  // (5B) Every other root with that subject joins the table's.
  const out: Container[] = [];
  const replaced = new Map<Container, Container>();
  for (const r of roots) {
    const s = subjectOf(r);
    const t = s.subject ? table.get(s.subject) : undefined;
    if (!t || t === r) {
      out.push(r);
      continue;
    }
    const target = replaced.get(t) ?? t;
    if (!target.message && !r.message) {
      for (const c of r.children) link(target, c);
      r.children = [];
    } else if (!target.message) link(target, r);
    else if (!target.message.subject.replyOrForward && r.message?.subject.replyOrForward) link(target, r);
    else {
      // Both replies or both not: siblings under a new dummy that takes the table entry's place.
      const dummy: Container = { message: null, children: [], parent: null };
      link(dummy, target);
      link(dummy, r);
      replaced.set(t, dummy);
    }
  }
  return out.map((r) => replaced.get(r) ?? r);
}

/** `(1 2 (3)(4 5))(6)`: a chain is written flat, a branch as one list per child (RFC 5256 6). */
export function formatThreads(nodes: readonly ThreadNode[]): string {
  return nodes.map((n) => `(${members(n)})`).join('');
}

function members(node: ThreadNode): string {
  const parts: string[] = [];
  let n: ThreadNode = node;
  for (;;) {
    if (n.message) parts.push(String(n.message.n));
    if (n.children.length !== 1 || !n.message) break;
    n = n.children[0]!;
  }
  const head = parts.join(' ');
  if (n.children.length === 0) return head;
  const nested = n.children.map((c) => `(${members(c)})`).join('');
  return head ? `${head} ${nested}` : nested;
}
