// Mutation testing (`npm run test:mutation`, not part of `npm test`): see docs/testing/mutation.md.
// Run one file while working: npm run test:mutation -- --mutate lib/domain/refill.ts

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  // Per-test coverage: each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // Static mutants (code run once at module load: lookup tables, constant arrays) need a fresh test process and the
  // whole suite each; here they were 37 % of the mutants and 68 % of the run time. They are left out of the score on
  // this shared 2-core machine; `npm run test:mutation -- --ignoreStatic false` tests them too (docs/testing/mutation.md).
  ignoreStatic: true,
  mutate: [
    'lib/domain/**/*.ts',
    '!lib/domain/**/*.test.ts',
    // Test support, not production code.
    '!lib/domain/test-factories.ts',
    // The service layer (target 75 %), once it lands with its tests in vitest.mutation.config.ts:
    // 'lib/clinic/**/*.ts',
    // '!lib/clinic/**/*.test.ts',
  ],
  // The sandbox copy holds only what the unit tests load.
  ignorePatterns: ['/*', '!/lib', '!/tests', '!/package.json', '!/tsconfig.json', '!/vitest.config.ts', '!/vitest.mutation.config.ts'],
  // The build machine's cores are shared: one test process at a time.
  concurrency: 1,
  // Only mutants whose code or tests changed since the last run are re-tested. The file is a local cache.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
};

export default config;
