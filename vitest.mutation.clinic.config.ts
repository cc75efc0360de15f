import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The suite Stryker runs against each mutant of the service layer (stryker.clinic.config.mjs). lib/clinic is
// exercised where a clinician's request meets it: the route handler tests (app/api), the query and page tests
// that record through it (db/, tests/). `vitest.related` narrows each run to the files that import the mutated
// module, and per-test coverage to the tests that reach the mutant.
// Left out: component tests (jsdom, never import the service layer) and the tests that spawn processes (crash,
// CLI, lock holders): their children load the code without the mutant switch, so they can kill nothing and
// only slow the dry run.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'app/api/**/*.test.ts',
      'app/feeds/**/*.test.ts',
      'db/**/*.test.ts',
      'tests/**/*.test.ts',
      'lib/**/*.test.ts',
    ],
    exclude: [
      'lib/domain/**',
      'tests/reliability/**',
      'tests/notifications/cli.test.ts',
      'tests/notifications/crash.test.ts',
      '**/node_modules/**',
    ],
  },
});
