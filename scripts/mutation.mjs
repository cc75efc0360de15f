#!/usr/bin/env node
// `npm run test:mutation`: StrykerJS on lib/domain (target 85 %) and then on the service layer, lib/clinic
// (target 75 %), one scope after the other on this shared machine, then a table of each file's score and the
// scope totals. Fails when either run fails or either score is below its target (docs/testing/mutation.md).
//
//   npm run test:mutation                                   both scopes, incremental
//   npm run test:mutation -- --scope clinic                 one scope
//   npm run test:mutation -- --scope clinic --mutate lib/clinic/pumps.ts      one file, its own cache
//   npm run test:mutation -- --scope clinic --mutate lib/clinic/pumps.ts:40-60  a line range (not in the table)
//   npm run test:mutation -- --report                       print the table from the last runs, no run
//
// Every Stryker process runs under `nice -n 19` with one test process (the configs' concurrency: 1): the build
// machine's two cores are shared with people measuring performance.
//
// One file at a time is how this scope gets measured (a whole scope is hours here), so the table is built from
// every report a scope has: the whole-scope report (mutation.json) and one cache per file measured alone
// (files/<file>.json, Stryker's incremental file, which holds the file's mutants and their statuses). For each
// source file the newest report that holds it wins. Files in the scope that no report holds are listed as not
// measured, and the scope total says over how many files it is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Each scope: its config, its whole-scope JSON report (the configs' jsonReporter.fileName), the folder of its
 * per-file caches, its target (thresholds.break) and the production files it mutates (the configs' `mutate`).
 */
export const SCOPES = {
  domain: {
    config: 'stryker.config.mjs',
    report: 'reports/mutation/domain/mutation.json',
    perFile: 'reports/mutation/domain/files',
    target: 85,
    dir: 'lib/domain',
    exclude: ['lib/domain/test-factories.ts'],
  },
  clinic: {
    config: 'stryker.clinic.config.mjs',
    report: 'reports/mutation/clinic/mutation.json',
    perFile: 'reports/mutation/clinic/files',
    target: 75,
    dir: 'lib/clinic',
    exclude: [],
  },
};

const DETECTED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

/** Stryker's mutation score: detected (killed, timed out) over valid mutants (those plus survived, no coverage). */
export function score(mutants) {
  let detected = 0;
  let valid = 0;
  let noCoverage = 0;
  for (const m of mutants) {
    if (DETECTED.has(m.status)) detected++;
    if (VALID.has(m.status)) valid++;
    if (m.status === 'NoCoverage') noCoverage++;
  }
  return {
    detected,
    valid,
    survived: valid - detected - noCoverage,
    noCoverage,
    pct: valid === 0 ? null : (100 * detected) / valid,
  };
}

/** The per-file cache of one mutated file: reports/mutation/<scope>/files/lib__clinic__pumps.ts.json. */
export function perFileCache(scope, file) {
  return path.join(scope.perFile, `${file.replaceAll('/', '__')}.json`);
}

/** The production files of a scope, relative to the root: what its config mutates. */
export function scopeFiles(scope, base = root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(base, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !scope.exclude.includes(rel))
        out.push(rel);
    }
  };
  walk(scope.dir);
  return out.sort();
}

/**
 * For each source file, its mutants from the newest report that holds it, with that report's date.
 * `reports` are { file, mtimeMs, json } (a Stryker mutation-testing-report-schema document).
 */
export function newestResults(reports) {
  const byFile = new Map();
  for (const r of [...reports].sort((a, b) => a.mtimeMs - b.mtimeMs))
    for (const [f, { mutants }] of Object.entries(r.json.files ?? {}))
      byFile.set(f, { mutants, at: r.mtimeMs, from: r.file });
  return byFile;
}

function readReports(scope) {
  const files = [path.join(root, scope.report)];
  const dir = path.join(root, scope.perFile);
  if (fs.existsSync(dir))
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.json')) files.push(path.join(dir, f));
  return files
    .filter((f) => fs.existsSync(f))
    .map((f) => ({
      file: path.relative(root, f),
      mtimeMs: fs.statSync(f).mtimeMs,
      json: JSON.parse(fs.readFileSync(f, 'utf8')),
    }));
}

const pct = (p) => (p === null ? '     —' : `${p.toFixed(2).padStart(6)}`);
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The table of one scope; true when its total meets the target. */
export function summarize(
  name,
  scope,
  { log = console.log, base = root, reports = readReports(scope) } = {},
) {
  const results = newestResults(reports);
  const inScope = scopeFiles(scope, base);
  const all = [];
  const unmeasured = [];
  let measured = 0;
  log(`\n${name} — mutation score per file (killed or timed out / valid mutants; static mutants left out)`);
  log(
    `  ${'score'.padStart(8)}  ${'killed/valid'.padStart(12)}  ${'survived'.padStart(8)}  ${'no cov.'.padStart(7)}  ${'measured'.padEnd(10)}  file`,
  );
  for (const f of inScope) {
    const r = results.get(f);
    if (!r) {
      unmeasured.push(f);
      continue;
    }
    measured++;
    all.push(...r.mutants);
    const s = score(r.mutants);
    log(
      `  ${pct(s.pct)} %  ${`${s.detected}/${s.valid}`.padStart(12)}  ${String(s.survived).padStart(8)}  ${String(s.noCoverage).padStart(7)}  ${day(r.at).padEnd(10)}  ${f}${s.valid === 0 ? '  (no mutants)' : ''}`,
    );
  }
  const s = score(all);
  const complete = unmeasured.length === 0;
  const ok = s.pct !== null && s.pct >= scope.target && complete;
  log(
    `  ${name} total: ${pct(s.pct).trim()} % (${s.detected}/${s.valid}) over ${measured} of ${inScope.length} files, target ${scope.target} % — ${
      s.pct === null
        ? 'nothing measured'
        : s.pct < scope.target
          ? 'NOT MET'
          : complete
            ? 'met'
            : 'met over the files measured'
    }`,
  );
  if (!complete) log(`  not measured (${unmeasured.length}): ${unmeasured.join(', ')}`);
  return ok;
}

/** The Stryker arguments for a run: a single whole file gets its own cache, a line range a scratch one. */
export function strykerArgs(scope, args) {
  const out = [...args];
  if (out.some((a) => a === '--incrementalFile' || a.startsWith('--incrementalFile='))) return out;
  const at = out.findIndex((a) => a === '--mutate' || a === '-m');
  const value = at >= 0 ? out[at + 1] : out.find((a) => a.startsWith('--mutate='))?.slice('--mutate='.length);
  if (!value) return out;
  const targets = value.split(',');
  if (targets.length === 1 && !targets[0].includes('*')) {
    const range = /:\d/.test(targets[0]);
    const cache = range ? path.join(scope.perFile, 'ranges', 'wip.json') : perFileCache(scope, targets[0]);
    out.push('--incrementalFile', cache);
  }
  return out;
}

function main() {
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
      const scope = SCOPES[name];
      const runArgs = strykerArgs(scope, args);
      console.log(`\n▶ mutation testing: ${name} (${scope.config}) ${runArgs.join(' ')}`);
      const run = spawnSync(
        'nice',
        [
          '-n',
          '19',
          path.join(root, 'node_modules', '.bin', 'stryker'),
          'run',
          scope.config,
          '--concurrency',
          '1',
          ...runArgs,
        ],
        { cwd: root, stdio: 'inherit' },
      );
      if (run.status !== 0) {
        console.error(`✖ ${name}: Stryker exited with ${run.status ?? run.signal}`);
        failed = true;
      }
    }
  }
  for (const name of names) if (!summarize(name, SCOPES[name])) failed = true;
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) main();
