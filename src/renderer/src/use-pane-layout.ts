// Where the reading pane sits (right of the list, below it, or off) and the panes' sizes,
// remembered across reloads; sizes are percentages of their group (react-resizable-panels).
import { useCallback } from 'react';
import { z } from 'zod';
import type { Layout } from 'react-resizable-panels';
import { readStored, useStoredState, writeStored } from './stored-state.ts';

export const ReadingPane = z.enum(['right', 'bottom', 'off']);
export type ReadingPane = z.infer<typeof ReadingPane>;

const Sizes = z.record(z.string(), z.number().min(0).max(100));

export interface PaneLayout {
  readingPane: ReadingPane;
  setReadingPane(position: ReadingPane): void;
  /** The saved layout of a group of panes (by group id), if any. */
  saved(group: string): Layout | undefined;
  /** Keeps a group's layout after the user resized it. */
  save(group: string, layout: Layout): void;
}

export function usePaneLayout(): PaneLayout {
  const [readingPane, setReadingPane] = useStoredState<ReadingPane>('hearth.readingPane', ReadingPane, 'right');
  const saved = useCallback((group: string) => readStored<Layout | undefined>(`hearth.panes.${group}`, Sizes, undefined), []);
  const save = useCallback((group: string, layout: Layout) => writeStored(`hearth.panes.${group}`, layout), []);
  return { readingPane, setReadingPane, saved, save };
}
