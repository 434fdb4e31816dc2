// Renders resources/icon.svg to the PNG electron-builder packages (512 px), in Debian's Chromium.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../test/support/browser.ts';

const root = path.resolve(import.meta.dirname, '..');
const svg = readFileSync(path.join(root, 'resources/icon.svg'), 'utf8');
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', '<svg width="512" height="512" ')}</body></html>`);
await page.screenshot({ path: path.join(root, 'resources/icon.png'), omitBackground: true });
await browser.close();
