import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Peers and servers bind fixed loopback ports; files run in parallel workers but each test file
    // picks its own ports from test/support/ports.ts.
    pool: 'forks',
    reporters: ['default'],
  },
});
