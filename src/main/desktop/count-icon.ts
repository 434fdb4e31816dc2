// The tray icon with the unread count where the system shows no text beside a tray icon (Linux,
// Windows): the count drawn in white on Hearth's orange, as raw pixels (no image library), which
// the shell turns into an image. "99+" above 99.

/** 3x5 pixel digits and the plus sign, row by row. */
const GLYPHS: Record<string, string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
};

const ORANGE = [0xc2, 0x41, 0x0c] as const;

export function countLabel(count: number): string {
  return count > 99 ? '99+' : String(Math.max(0, Math.floor(count)));
}

/** A size x size square, BGRA byte order (Chromium's native bitmap order on Linux and Windows). */
export function countIconBgra(count: number, size = 32): Buffer {
  const px = Buffer.alloc(size * size * 4);
  const set = (x: number, y: number, [r, g, b]: readonly number[], a = 255) => {
    const i = (y * size + x) * 4;
    px[i] = b!;
    px[i + 1] = g!;
    px[i + 2] = r!;
    px[i + 3] = a;
  };
  // A rounded square of orange (corners left transparent).
  const radius = Math.round(size / 5);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = Math.max(radius - x, x - (size - 1 - radius), 0);
      const dy = Math.max(radius - y, y - (size - 1 - radius), 0);
      if (dx * dx + dy * dy <= radius * radius) set(x, y, ORANGE);
    }
  }
  // The label, as large as fits with a margin, centred.
  const label = countLabel(count);
  const cols = label.length * 4 - 1;
  const scale = Math.max(1, Math.min(Math.floor((size - 4) / cols), Math.floor((size - 4) / 5)));
  const left = Math.floor((size - cols * scale) / 2);
  const top = Math.floor((size - 5 * scale) / 2);
  [...label].forEach((ch, n) => {
    GLYPHS[ch]!.forEach((row, gy) => {
      [...row].forEach((bit, gx) => {
        if (bit !== '1') return;
        for (let sy = 0; sy < scale; sy++) for (let sx = 0; sx < scale; sx++) set(left + (n * 4 + gx) * scale + sx, top + gy * scale + sy, [255, 255, 255]);
      });
    });
  });
  return px;
}
