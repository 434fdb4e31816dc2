// The drafts open at once: each has a key and what it started from; one is expanded, the others
// wait minimised in the tab strip with everything typed kept.
import { useCallback, useState } from 'react';
import type { ComposeMessage } from '../../../../shared/api.ts';

export type ComposeDraft = Partial<ComposeMessage> & { accountId: string };

export interface OpenDraft {
  key: string;
  initial: ComposeDraft;
  title: string;
}

export interface ComposeDrafts {
  drafts: OpenDraft[];
  /** The expanded draft; null when all are minimised. */
  active: string | null;
  open(initial: ComposeDraft): void;
  activate(key: string | null): void;
  close(key: string): void;
  retitle(key: string, title: string): void;
}

let counter = 0;

export function useComposeDrafts(): ComposeDrafts {
  const [drafts, setDrafts] = useState<OpenDraft[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const open = useCallback((initial: ComposeDraft) => {
    const key = `draft-${++counter}`;
    setDrafts((list) => [...list, { key, initial, title: initial.subject || 'New message' }]);
    setActive(key);
  }, []);
  const close = useCallback((key: string) => {
    setDrafts((list) => list.filter((d) => d.key !== key));
    setActive((a) => (a === key ? null : a));
  }, []);
  const retitle = useCallback((key: string, title: string) => {
    setDrafts((list) => list.map((d) => (d.key === key && d.title !== title ? { ...d, title } : d)));
  }, []);
  return { drafts, active, open, activate: setActive, close, retitle };
}
