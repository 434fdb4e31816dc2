// Flag changes the user just made (flag, read/unread), held in memory until the offline copy has
// them: the rows and the reader show them in the same frame as the key press, without waiting for
// an IndexedDB transaction and its live query. Only the rows of the changed messages render again.
// An entry goes when its change is settled (main took it and the offline copy has it, or main
// refused and the copy was put back); a newer change of the same flag replaces it.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { MessageSummary } from '../../shared/api.ts';

/** Per message: flag → on. */
type Entry = ReadonlyMap<string, boolean>;

export class FlagOverlay {
  private entries = new Map<number, Entry>();
  /** Which change set each (message, flag), so an older change settling does not take a newer one away. */
  private owners = new Map<string, number>();
  private listeners = new Set<() => void>();
  private seq = 0;

  /** Shows `flag` as `on` on `ids` at once; returns what takes it away again. */
  set(ids: readonly number[], flag: string, on: boolean): () => void {
    const token = ++this.seq;
    for (const id of ids) {
      const next = new Map(this.entries.get(id));
      next.set(flag, on);
      this.entries.set(id, next);
      this.owners.set(`${id} ${flag}`, token);
    }
    this.emit();
    return () => {
      let changed = false;
      for (const id of ids) {
        if (this.owners.get(`${id} ${flag}`) !== token) continue;
        this.owners.delete(`${id} ${flag}`);
        const next = new Map(this.entries.get(id));
        next.delete(flag);
        if (next.size) this.entries.set(id, next);
        else this.entries.delete(id);
        changed = true;
      }
      if (changed) this.emit();
    };
  }

  /** The entry of one message (the same object until it changes), for useSyncExternalStore. */
  entry(id: number): Entry | undefined {
    return this.entries.get(id);
  }

  /** The summary as the user sees it: the same object when nothing is pending for it. */
  apply<M extends MessageSummary | undefined>(m: M): M {
    const e = m && this.entries.get(m.id);
    return e ? withEntry(m!, e) : m;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

function withEntry<M extends MessageSummary>(m: M, e: Entry): M {
  let flags = m.flags;
  for (const [flag, on] of e) if (flags.includes(flag) !== on) flags = on ? [...flags, flag] : flags.filter((f) => f !== flag);
  return flags === m.flags ? m : { ...m, flags };
}

/** `m` with the pending changes of its flags; renders again only when its own entry changes. */
export function useOverlaid<M extends MessageSummary | null | undefined>(overlay: FlagOverlay | undefined, m: M): M {
  const id = m?.id ?? -1;
  const subscribe = useCallback((l: () => void) => (overlay ? overlay.subscribe(l) : () => {}), [overlay]);
  const entry = useSyncExternalStore(subscribe, () => overlay?.entry(id));
  return useMemo(() => (m && entry ? withEntry(m, entry) : m), [m, entry]);
}
