// A remembered window comes back where it can be seen.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fitToDisplays, loadWindowState, WINDOW_STATE_FILE } from '../../../src/main/desktop/window-state.ts';
import { silentLogger } from '../../../src/main/base/log.ts';
import { tempDir } from '../../support/temp-dir.ts';

const wide = { x: 0, y: 0, width: 1920, height: 1050 };
const right = { x: 1920, y: 0, width: 2560, height: 1400 };
const state = (x: number, y: number, width = 1200, height = 800, maximized = false) => ({ bounds: { x, y, width, height }, maximized });

describe('fitToDisplays', () => {
  it('keeps a window that is on a display', () => {
    expect(fitToDisplays(state(100, 50), [wide, right])).toEqual(state(100, 50));
    expect(fitToDisplays(state(2000, 100, 1200, 800, true), [wide, right])).toEqual(state(2000, 100, 1200, 800, true));
  });
  it('pulls a window hanging over an edge back inside its display', () => {
    expect(fitToDisplays(state(1500, 900), [wide])).toEqual(state(720, 250));
  });
  it('centres a window whose display is gone on the first display there is, no larger than it', () => {
    expect(fitToDisplays(state(2500, 200, 2400, 1300), [wide])).toEqual(state(0, 0, 1920, 1050));
    expect(fitToDisplays(state(-3000, 200), [wide])).toEqual(state(360, 125));
  });
  it('never makes a window smaller than the minimum', () => {
    expect(fitToDisplays(state(10, 10, 100, 50), [wide])?.bounds).toMatchObject({ width: 640, height: 480 });
  });
  it('has nothing to restore without a saved state', () => {
    expect(fitToDisplays(null, [wide])).toBeNull();
  });
});

describe('loadWindowState', () => {
  it('ignores a damaged file', () => {
    const dir = tempDir('window');
    expect(loadWindowState(dir, silentLogger)).toBeNull();
    writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"bounds":{"x":"left"}}');
    expect(loadWindowState(dir, silentLogger)).toBeNull();
  });
});
