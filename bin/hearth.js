#!/usr/bin/env node
// The `hearth` command: the household server's command line. Needs Node 24 or newer. From a
// checkout it runs the TypeScript sources (Node 24's type stripping); an installed package, which
// ships no sources (Node strips no types under node_modules), runs their build in lib/.
import { existsSync } from 'node:fs';

const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `hearth needs Node.js 24 or newer (this is ${process.version}): install it from nodejs.org or with nvm (nvm install 24), or: npm install -g node@24`,
  );
  process.exit(1);
}
const source = new URL('../src/main/server/cli.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../lib/main/server/cli.js', import.meta.url).href);
