import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Route handlers and queries are tested directly in Node, outside the react-server condition.
      'server-only': path.resolve(import.meta.dirname, 'tests/empty.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.{ts,tsx}', 'tests/**/*.test.ts'],
    environment: 'node',
    // Tests run in UTC; non-UTC clinics are exercised through their own time zones.
    // TZ=UTC unless the run names another zone (scripts/test.mjs also runs the suite in Australia/Lord_Howe).
    env: { TZ: process.env.TZ || 'UTC' },
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    testTimeout: 20000,
  },
});
