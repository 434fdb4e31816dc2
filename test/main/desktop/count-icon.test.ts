// The tray's count icon, read back pixel by pixel.
import { describe, expect, it } from 'vitest';
import { countIconBgra, countLabel } from '../../../src/main/desktop/count-icon.ts';

/** The image as text: '#' white, 'o' orange, '.' transparent. */
function picture(buf: Buffer, size: number): string[] {
  const rows: string[] = [];
  for (let y = 0; y < size; y++) {
    let row = '';
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      row += buf[i + 3] === 0 ? '.' : buf[i] === 255 && buf[i + 2] === 255 ? '#' : buf[i + 2] === 0xc2 && buf[i] === 0x0c ? 'o' : '?';
    }
    rows.push(row);
  }
  return rows;
}

describe('count icon', () => {
  it('labels counts, with 99+ above 99', () => {
    expect([0, 7, 42, 99, 100, 12345].map(countLabel)).toEqual(['0', '7', '42', '99', '99+', '99+']);
  });

  it('draws the digits in white on orange in BGRA, centred, corners transparent', () => {
    expect(picture(countIconBgra(7, 9), 9)).toEqual([
      '..ooooo..',
      '.ooooooo.',
      'ooo###ooo',
      'ooooo#ooo',
      'oooo#oooo',
      'oooo#oooo',
      'oooo#oooo',
      '.ooooooo.',
      '..ooooo..',
    ]);
  });

  it('fits three characters into a 32 px icon', () => {
    const rows = picture(countIconBgra(150, 32), 32);
    expect(rows.join('')).not.toContain('?');
    // "99+" is 11 glyph columns at twice the size: 22 px wide, 10 px tall, with a margin all round.
    const inked = rows.filter((r) => r.includes('#'));
    expect(inked).toHaveLength(10);
    const left = Math.min(...inked.map((r) => r.indexOf('#')));
    const right = Math.max(...inked.map((r) => r.lastIndexOf('#')));
    expect([left, right]).toEqual([5, 26]);
  });
});
