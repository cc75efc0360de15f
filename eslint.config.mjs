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

export default tseslint.config(
  {
    ignores: ['.next/**', '.next-*/**', '.tmp/**', 'bench/results*.json', 'node_modules/**', 'db/migrations/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'bench/results*.json'],
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
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // lib/fhir maps records to FHIR resources with the same purity (docs/fhir.md).
    files: ['lib/domain/**/*.ts', 'lib/fhir/**/*.ts'],
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
