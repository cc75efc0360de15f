import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The suite Stryker runs against each mutant (stryker.config.mjs): the unit tests beside the mutated code.
// A mutant in lib/domain has to be killed by a domain test, not by chance in an HTTP or database test, and
// the database template (tests/global-setup.ts) is not built for pure functions.
// The service layer has its own suite: vitest.mutation.clinic.config.ts.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['lib/domain/**/*.test.ts'],
    globalSetup: [],
  },
});
