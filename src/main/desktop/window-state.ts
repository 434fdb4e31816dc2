// The main window's size, position and maximised state, remembered in DATA/window-state.json and
// restored where it can be seen: a window left on a display that is gone (a laptop undocked)
// comes back centred on one that is there.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { atomicWriteFileSync } from '../base/fs-durable.ts';
import { desktopLimits } from '../base/limits.ts';
import type { Logger } from '../base/log.ts';
import type { Rect, WindowState } from './platform.ts';

export const WINDOW_STATE_FILE = 'window-state.json';

const StoredState = z.object({
  bounds: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }),
  maximized: z.boolean(),
});

export function loadWindowState(dataDir: string, log: Logger): WindowState | null {
  const file = path.join(dataDir, WINDOW_STATE_FILE);
  if (!existsSync(file)) return null;
  try {
    return StoredState.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    log.warn('window state unreadable; using the default size', { error: e });
    return null;
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  atomicWriteFileSync(path.join(dataDir, WINDOW_STATE_FILE), JSON.stringify(state));
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** The saved state made to fit the displays there are now; null when there is nothing to restore. */
export function fitToDisplays(state: WindowState | null, workAreas: readonly Rect[]): WindowState | null {
  if (!state || workAreas.length === 0) return state;
  const { minVisiblePx, minWindow } = desktopLimits;
  const b = state.bounds;
  const home = workAreas.find((w) => {
    const o = overlap(b, w);
    return o.width >= minVisiblePx && o.height >= minVisiblePx;
  });
  const area = home ?? workAreas[0]!;
  const width = Math.max(minWindow.width, Math.min(b.width, area.width));
  const height = Math.max(minWindow.height, Math.min(b.height, area.height));
  if (home) {
    // Still visible there: keep the place, but pull it back inside if it hangs over an edge now.
    const x = Math.min(Math.max(b.x, area.x), area.x + area.width - width);
    const y = Math.min(Math.max(b.y, area.y), area.y + area.height - height);
    return { bounds: { x, y, width, height }, maximized: state.maximized };
  }
  return {
    bounds: { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height },
    maximized: state.maximized,
  };
}
