// Lint: typescript-eslint's recommended rules over every source, test and script.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of src/main (docs/architecture.md): the client wing and the server wing stand side by
// side on mail/, maildir/ and base/ and never import each other; the renderer sees only shared/;
// only the Electron shell imports `electron`.
const forbid = (...layers) => ({
  regex: `(^|/)(${layers.join('|')})/`,
  message: `Layer rule (docs/architecture.md): no imports of ${layers.join(', ')}/ here.`,
});
const electronOnlyInShell = { name: 'electron', message: 'Only src/main/electron imports electron (the shell stays thin).' };
const zone = (files, ...patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell], patterns }] },
});
const layerZones = [
  zone(['src/main/**/*.ts'], forbid('renderer', 'preload')),
  zone(['src/main/client/**/*.ts'], forbid('server', 'electron', 'host', 'renderer', 'preload')),
  zone(['src/main/server/**/*.ts'], forbid('client', 'electron', 'host', 'api', 'renderer', 'preload')),
  zone(['src/main/mail/**/*.ts', 'src/main/maildir/**/*.ts'], forbid('client', 'server', 'electron', 'host', 'api', 'renderer', 'preload')),
  // The desktop citizen's behaviour: plain TypeScript behind DesktopPlatform, tested without Electron.
  zone(['src/main/desktop/**/*.ts'], forbid('client', 'server', 'electron', 'host', 'renderer', 'preload')),
  zone(['src/main/base/**/*.ts'], forbid('client', 'server', 'mail', 'maildir', 'electron', 'host', 'api', 'renderer', 'preload')),
  zone(['src/shared/**/*.ts'], forbid('main', 'renderer', 'preload')),
  // The preload is part of the Electron shell: it may import electron (contextBridge), nothing of main.
  { files: ['src/preload/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [forbid('main', 'renderer')] }] } },
  zone(['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'], forbid('main', 'preload'), {
    regex: '^node:',
    message: 'The renderer is a web page: no Node modules.',
  }),
  { files: ['src/main/electron/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
];

export default tseslint.config(
  { ignores: ['node_modules', 'out/', 'dist/', 'lib/', 'test-results/', '.tools'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        self: 'readonly',
        caches: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  ...layerZones,
  // CommonJS config files (electron-builder reads .cjs).
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } } },
);
