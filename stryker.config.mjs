// Mutation testing of lib/domain (target 85 %). `npm run test:mutation` runs this scope and the service layer's
// (stryker.clinic.config.mjs) and prints both scores: see docs/testing/mutation.md.
// One file while working: npm run test:mutation -- --scope domain --mutate lib/domain/refill.ts

/** Options both scopes share. @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export const shared = {
  testRunner: 'vitest',
  // Per-test coverage: each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // Static mutants (code run once at module load: lookup tables, constant arrays) need a fresh test process and the
  // whole suite each; here they were 37 % of the mutants and 68 % of the run time. They are left out of the score on
  // this shared 2-core machine; `npm run test:mutation -- --ignoreStatic false` tests them too (docs/testing/mutation.md).
  ignoreStatic: true,
  // The build machine's cores are shared: one test process at a time.
  concurrency: 1,
  // Only mutants whose code or tests changed since the last run are re-tested. The file is a local cache.
  incremental: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  tempDirName: '.stryker-tmp/domain',
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...shared,
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'lib/domain/**/*.ts',
    '!lib/domain/**/*.test.ts',
    // Test support, not production code.
    '!lib/domain/test-factories.ts',
  ],
  // The sandbox copy holds only what the unit tests load.
  ignorePatterns: [
    '/*',
    '!/lib',
    '!/tests',
    '!/package.json',
    '!/tsconfig.json',
    '!/vitest.config.ts',
    '!/vitest.mutation.config.ts',
  ],
  incrementalFile: 'reports/mutation/domain/stryker-incremental.json',
  htmlReporter: { fileName: 'reports/mutation/domain/index.html' },
  jsonReporter: { fileName: 'reports/mutation/domain/mutation.json' },
  // The run fails below the target (issue 12).
  thresholds: { high: 90, low: 85, break: 85 },
};

export default config;
