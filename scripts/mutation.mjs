#!/usr/bin/env node
// `npm run test:mutation`: StrykerJS on lib/domain (target 85 %) and then on the service layer, lib/clinic
// (target 75 %), one scope after the other on this shared machine, then each scope's score and its files' scores
// from the JSON reports. Fails when either run fails or either score is below its target (docs/testing/mutation.md).
//
//   npm run test:mutation                                   both scopes, incremental
//   npm run test:mutation -- --scope clinic                 one scope
//   npm run test:mutation -- --scope domain --mutate lib/domain/refill.ts   any other option goes to Stryker
//   npm run test:mutation -- --report                       print the last reports' scores without running
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Each scope: its config, its JSON report (the configs' jsonReporter.fileName) and its target (thresholds.break). */
export const SCOPES = {
  domain: { config: 'stryker.config.mjs', report: 'reports/mutation/domain/mutation.json', target: 85 },
  clinic: {
    config: 'stryker.clinic.config.mjs',
    report: 'reports/mutation/clinic/mutation.json',
    target: 75,
  },
};

/** Stryker's mutation score: detected (killed, timed out) over valid mutants (those plus survived, no coverage). */
export function score(mutants) {
  let detected = 0;
  let valid = 0;
  for (const m of mutants) {
    if (m.status === 'Killed' || m.status === 'Timeout') detected++;
    if (
      m.status === 'Killed' ||
      m.status === 'Timeout' ||
      m.status === 'Survived' ||
      m.status === 'NoCoverage'
    )
      valid++;
  }
  return { detected, valid, survived: valid - detected, pct: valid === 0 ? null : (100 * detected) / valid };
}

const pct = (p) => (p === null ? '   n/a' : `${p.toFixed(2).padStart(6)}`);

function summarize(name, { report, target }) {
  const file = path.join(root, report);
  if (!fs.existsSync(file)) {
    console.log(`\n${name}: no report at ${report} (run the scope first)`);
    return false;
  }
  const { files } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const all = [];
  console.log(`\n${name} — mutation score per file (killed or timed out / valid; static mutants excluded)`);
  for (const [f, { mutants }] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    all.push(...mutants);
    const s = score(mutants);
    if (s.valid === 0) continue;
    console.log(
      `  ${pct(s.pct)} %  ${String(s.detected).padStart(4)}/${String(s.valid).padEnd(4)}  ${f}${s.survived ? `  (${s.survived} survived or not covered)` : ''}`,
    );
  }
  const s = score(all);
  const ok = s.pct !== null && s.pct >= target;
  console.log(
    `  ${name}: ${pct(s.pct)} % (${s.detected}/${s.valid}), target ${target} % — ${ok ? 'met' : 'NOT MET'}`,
  );
  return ok;
}

const args = process.argv.slice(2);
let only = null;
const scopeAt = args.indexOf('--scope');
if (scopeAt >= 0) {
  only = args[scopeAt + 1];
  args.splice(scopeAt, 2);
  if (!SCOPES[only]) {
    console.error(`--scope must be one of ${Object.keys(SCOPES).join(', ')}`);
    process.exit(2);
  }
}
const reportOnly = args.includes('--report');
const names = only ? [only] : Object.keys(SCOPES);

let failed = false;
if (!reportOnly) {
  for (const name of names) {
    console.log(`\n▶ mutation testing: ${name} (${SCOPES[name].config})`);
    const run = spawnSync(
      path.join(root, 'node_modules', '.bin', 'stryker'),
      ['run', SCOPES[name].config, ...args],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (run.status !== 0) {
      console.error(`✖ ${name}: Stryker exited with ${run.status ?? run.signal}`);
      failed = true;
    }
  }
}
for (const name of names) if (!summarize(name, SCOPES[name])) failed = true;
const partial = args.some((a) => a === '--mutate' || a.startsWith('--mutate=') || a === '-m');
if (partial) console.log('\n(--mutate: the scores above are for the files mutated in this run only)');
process.exit(failed ? 1 : 0);
