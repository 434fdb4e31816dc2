#!/usr/bin/env node
// The `hearth` command: the household server's command line. Runs the TypeScript sources under
// Node 24's type stripping from a checkout; needs Node 24 or newer.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`hearth needs Node.js 24 or newer (this is ${process.version})`);
  process.exit(1);
}
await import('../src/main/server/cli.ts');
