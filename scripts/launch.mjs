// Every npm script starts here: `node scripts/launch.mjs FILE.ts [args...]` runs a .ts file,
// `node scripts/launch.mjs --check` only checks. Plain JavaScript, so that any Node can run it: on a
// Node too old for the .ts sources it says in one line which Node is needed and how to get it.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeVersionProblem } from './node-check.mjs';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem + '\n');
  process.exit(1);
}
const target = process.argv[2];
if (target === '--check') process.exit(0);
if (!target) {
  process.stderr.write('usage: node scripts/launch.mjs FILE.ts [args...]\n');
  process.exit(2);
}
// The script sees the argv it would have had when run directly: [node, FILE.ts, ...args].
const file = path.resolve(target);
process.argv.splice(1, 2, file);
await import(pathToFileURL(file).href);
