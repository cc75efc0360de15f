import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    // Tests run in UTC; non-UTC clinics are exercised through their own time zones.
    env: { TZ: 'UTC' },
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    testTimeout: 20000,
  },
});
