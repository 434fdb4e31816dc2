// The layer rules of eslint.config.js (docs/architecture.md) catch a crossing import: ESLint is run
// on small snippets placed, by file path, in each zone.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules (eslint no-restricted-imports zones)', () => {
  const cases: [file: string, importLine: string, allowed: boolean][] = [
    ['src/main/client/imap/x.ts', "import { a } from '../../server/imap/session.ts';", false],
    ['src/main/client/imap/x.ts', "import { a } from '../../mail/decode.ts';", true],
    ['src/main/client/imap/x.ts', "import { a } from '../../maildir/types.ts';", true],
    ['src/main/server/imap/x.ts', "import { a } from '../../client/cache/cache-db.ts';", false],
    ['src/main/server/imap/x.ts', "import { a } from '../../mail/mime-tree.ts';", true],
    ['src/main/server/imap/x.ts', "import { a } from 'smtp-server';", true],
    ['src/main/mail/x.ts', "import { a } from '../server/tls.ts';", false],
    ['src/main/mail/x.ts', "import { a } from '../client/hearth-services.ts';", false],
    ['src/main/mail/x.ts', "import { a } from '../base/limits.ts';", true],
    ['src/main/maildir/x.ts', "import { a } from '../server/users/types.ts';", false],
    ['src/main/base/x.ts', "import { a } from '../mail/decode.ts';", false],
    ['src/main/base/x.ts', "import { a } from '../../shared/errors.ts';", true],
    ['src/main/client/x.ts', "import { app } from 'electron';", false],
    ['src/main/server/x.ts', "import { app } from 'electron';", false],
    ['src/main/electron/x.ts', "import { app } from 'electron';", true],
    ['src/main/desktop/x.ts', "import { app } from 'electron';", false],
    ['src/main/desktop/x.ts', "import { a } from '../client/hearth-services.ts';", false],
    ['src/main/desktop/x.ts', "import { a } from '../server/household-server.ts';", false],
    ['src/main/desktop/x.ts', "import { a } from '../mail/message-body.ts';", true],
    ['src/main/desktop/x.ts', "import { a } from '../../shared/mailto.ts';", true],
    ['src/preload/x.ts', "import { contextBridge } from 'electron';", true],
    ['src/renderer/src/x.ts', "import { a } from '../../main/app.ts';", false],
    ['src/renderer/src/x.ts', "import { readFileSync } from 'node:fs';", false],
    ['src/renderer/src/x.ts', "import { a } from '../../shared/api.ts';", true],
    ['src/shared/x.ts', "import { a } from '../main/base/log.ts';", false],
  ];
  it.each(cases)('%s: %s -> allowed %s', async (file, line, allowed) => {
    const errors = await layerErrors(file, `${line}\nexport const used = a ?? app ?? contextBridge ?? readFileSync;\n`);
    expect(errors.length === 0).toBe(allowed);
  });
});
