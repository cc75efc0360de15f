import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import tseslint from 'typescript-eslint';

const domainBoundary = {
  patterns: [
    { group: ['next', 'next/*', 'react', 'react/*', 'react-dom', 'react-dom/*'], message: 'lib/domain is pure: no framework imports.' },
    { group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', '@/db', '@/db/*', '../../db/*', '../db/*'], message: 'lib/domain is pure: no database imports.' },
    { group: ['ical-generator'], message: 'lib/domain is pure: no iCal imports.' },
  ],
};

/** No SQL and no tables in app/: pages and routes read through db/queries and write through lib/clinic. */
const appBoundary = [
  { group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'], message: 'No SQL in app/: add a read to db/queries or a use case to lib/clinic.' },
  { group: ['@/db/schema', '**/db/schema'], message: 'No tables in app/: db/queries returns DTOs (db/queries/dtos.ts).' },
];

/** Tests, scripts and benchmarks: they may read the clock and handle untyped data. */
const notProduction = [
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.test-helpers.ts',
  '**/test-factories.ts',
  '**/test-fixtures.ts',
  'tests/**',
  'e2e/**',
  'bench/**',
  'scripts/**',
  'db/*-cli.ts',
  '*.config.ts',
];

const unsafeRules = [
  '@typescript-eslint/no-unsafe-assignment',
  '@typescript-eslint/no-unsafe-member-access',
  '@typescript-eslint/no-unsafe-argument',
  '@typescript-eslint/no-unsafe-return',
  '@typescript-eslint/no-unsafe-call',
];

/** The wall clock is read in one place (lib/clock.ts); everything else takes "now" as an argument. */
const clockRule = [
  'error',
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'Read the clock with requestNow() or clockNow() from lib/clock.ts, once at the edge, and pass "now" down.',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'new Date() reads the clock: use new Date(requestNow()) (lib/clock.ts), or pass "now" down.',
  },
  {
    selector: "CallExpression[callee.name='Date']",
    message: 'Date() reads the clock: use requestNow() or clockNow() from lib/clock.ts.',
  },
];

export default tseslint.config(
  {
    ignores: ['.next/**', '.next-*/**', '.tmp/**', '.stryker-tmp/**', 'reports/**', 'bench/results*.json', 'node_modules/**', 'db/migrations/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'bench/results*.json'],
  },
  ...nextVitals,
  ...nextTs,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      ...Object.fromEntries(unsafeRules.map((rule) => [rule, 'error'])),
      'no-restricted-syntax': clockRule,
    },
  },
  {
    files: notProduction,
    rules: { ...Object.fromEntries(unsafeRules.map((rule) => [rule, 'off'])), 'no-restricted-syntax': 'off' },
  },
  {
    files: ['lib/clock.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Routes, pages and layouts read through db/queries and write through lib/clinic: no SQL in app/.
    files: ['app/**/*.ts', 'app/**/*.tsx'],
    ignores: notProduction,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: appBoundary,
        },
      ],
    },
  },
  {
    // The patient page's forms load their zod schemas when opened (app/(staff)/_components/lazy-checks.ts): a
    // value import of a schema module puts zod into the page's first load (issue 18, Lighthouse mobile >= 95).
    files: ['app/\\(staff\\)/patients/\\[id\\]/_components/**/*.tsx'],
    ignores: notProduction,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...appBoundary,
            {
              group: ['@/lib/validation/*', '!@/lib/validation/limits', '!@/lib/validation/errors', '!@/lib/validation/ids'],
              allowTypeImports: true,
              message: "Load the schemas with lazyModule(() => import('@/lib/validation/…')) and useLazyChecks; constants go in lib/validation/limits.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    // The data layer is below the use cases and the HTTP edge: it never calls up into them.
    files: ['db/**/*.ts'],
    ignores: notProduction,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/lib/server', '@/lib/server/*', '**/lib/server/*'], message: 'db/ does not import lib/server (gone: see lib/http, lib/clinic).' },
            { group: ['@/lib/http', '@/lib/http/*', '**/lib/http/*'], message: 'db/ does not know HTTP: throw lib/errors and let lib/http/api.ts map them.' },
            { group: ['@/lib/clinic', '@/lib/clinic/*', '**/lib/clinic/*'], message: 'db/ is below the use cases: lib/clinic calls db/queries, never the reverse.' },
            { group: ['next', 'next/*'], message: 'db/ does not import the framework.' },
          ],
        },
      ],
    },
  },
  {
    // Use cases take the actor and "now" from their caller: no request, no cookies, no HTTP.
    files: ['lib/clinic/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['next', 'next/*'], message: 'lib/clinic is called by handlers: it takes the actor and "now" as arguments.' },
            { group: ['@/lib/http', '@/lib/http/*'], message: 'lib/clinic throws lib/errors; lib/http/api.ts maps them to statuses.' },
            { group: ['@/lib/auth/session'], allowTypeImports: true, message: 'Identity is resolved by the handler and passed in (clinicActor).' },
          ],
        },
      ],
    },
  },
  {
    // lib/fhir maps records to FHIR resources with the same purity (docs/fhir.md).
    files: ['lib/domain/**/*.ts', 'lib/fhir/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', domainBoundary] },
  },
  {
    // Message building and scheduling rules stay pure like lib/domain: no framework or database imports.
    files: ['lib/notifications/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', domainBoundary] },
  },
  {
    // The spreadsheet import's parsing, mapping and row checks are pure too: the server module calls them.
    files: ['lib/import/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', domainBoundary] },
  },
  {
    files: ['lib/ical/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: domainBoundary.patterns.filter((p) => !p.group.includes('ical-generator')) },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
