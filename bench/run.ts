/**
 * `npm run bench [-- --patients 100000]`: how the app holds up at the size of a large clinic.
 *
 * 1. Builds the app if the build is stale (scripts/start.mjs ensureBuild), unless NEXT_DIST_DIR names another
 *    build folder, which must then be built already.
 * 2. Seeds a fresh database in a temporary folder with N patients (db/seed.ts, 5 past refills per pump) and
 *    times it.
 * 3. Raw baseline, in this process with no Next.js and no HTTP: the worklist query, one pump's forecast,
 *    forecasting every pump of the clinic (load and pure compute timed apart), and recording a refill visit
 *    under synchronous NORMAL and FULL (bench/durability.ts).
 * 4. Starts the production server on that database (127.0.0.1, a free port) and measures, with autocannon,
 *    the worklist API, a patient page, a pump's forecast, a patient's feed and the clinic feed.
 * 5. Prints a table against the targets and writes bench/results.json (bench/results-N.json for another N,
 *    compared with the 10,000-patient figures when bench/results.json holds them).
 * The server is stopped and the temporary folder removed whatever happens. Exit code 1 if a target fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { closeDatabase, openDatabase, type Db } from '../db/client';
import { worklistPagePlan } from '../db/queries/worklist';
import * as schema from '../db/schema';
import { forecastAll, rawPumpForecast, rawWorklist } from './baseline';
import { refillWriteLatency } from './durability';
import { createApiToken, createFeedTokens, samplePumps, seedBenchClinic } from './fixtures';
import { measure, probe, problem, type HttpFigures, type HttpTarget } from './http';
import { medianLighthouse, type FormFactor } from './lighthouse';
import { evaluate, issueTargets, loadReference, table, type Figure } from './report';
import { signInNurse, startServer, type RunningServer } from './server';
import { round } from './stats';

const root = path.resolve(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '10' },
    'raw-only': { type: 'boolean', default: false },
    /** `--only lighthouse`: seed, start the server and run only the Lighthouse step (to iterate on the pages). */
    only: { type: 'string' },
    /** Lighthouse runs per page and form factor; the run with the median performance score is kept. */
    'lighthouse-runs': { type: 'string', default: '1' },
    /** A folder to write each Lighthouse JSON report to (its audits say what costs the score). */
    'lighthouse-reports': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}
const patients = wholeNumber('patients', values.patients, 100, 1_000_000);
const seconds = wholeNumber('seconds', values.seconds, 1, 60);
const warmupSeconds = wholeNumber('warmup', values.warmup, 0, 30);
const connections = wholeNumber('connections', values.connections, 1, 100);
const lighthouseRuns = wholeNumber('lighthouse-runs', values['lighthouse-runs'], 1, 9);
if (values.only !== undefined && values.only !== 'lighthouse') {
  console.error(`--only takes "lighthouse" (the one step that can run alone), got "${values.only}"`);
  process.exit(2);
}
const lighthouseOnly = values.only === 'lighthouse';
if (lighthouseOnly && values['raw-only']) {
  console.error('--only lighthouse needs the server: it cannot be combined with --raw-only');
  process.exit(2);
}
const SAMPLE = 200;
/** Refill visits recorded under each synchronous setting. */
const REFILLS_PER_SETTING = 50;

// ---- 1. Build ----
const distDir = process.env.NEXT_DIST_DIR || '.next';
if (!values['raw-only']) {
  if (distDir === '.next') {
    const start = (await import(pathToFileURL(path.join(root, 'scripts', 'start.mjs')).href)) as {
      ensureBuild: () => void;
    };
    start.ensureBuild();
  } else if (!fs.existsSync(path.join(root, distDir, 'BUILD_ID'))) {
    console.error(
      `NEXT_DIST_DIR=${distDir} has no build. Build it first:\n  NEXT_DIST_DIR=${distDir} node node_modules/next/dist/bin/next build\n` +
        'or unset NEXT_DIST_DIR to build (when stale) and use .next.',
    );
    process.exit(2);
  } else {
    console.log(`Using the existing build in ${distDir} (NEXT_DIST_DIR; not rebuilt when stale).`);
  }
}

/** Other processes competing for the cores inflate every wall-clock figure: say so next to the figures. */
function busyWarning(when: string): string | null {
  const [load1] = os.loadavg();
  const cores = os.cpus().length;
  return load1! > cores * 0.75
    ? `WARNING (${when}): load average ${load1!.toFixed(1)} on ${cores} cores: other processes compete for the CPU, wall-clock figures are inflated (compare the CPU-time rows).`
    : null;
}
const loadAtStart = os.loadavg()[0]!;
const warningAtStart = busyWarning('start');
if (warningAtStart) console.warn(warningAtStart);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-bench-'));
const databasePath = path.join(tmp, 'clinic.db');
const logFile = path.join(tmp, 'server.log');
let server: RunningServer | null = null;
const figures: Figure[] = [];
const http: Record<string, HttpFigures | { missing: string }> = {};
const lighthouse: Record<string, unknown> = {};
let failed = false;

try {
  // ---- 2. Seed ----
  console.log(`\nSeeding ${patients.toLocaleString('en-US')} patients into ${databasePath} …`);
  const db = openDatabase(databasePath);
  const clinic = await seedBenchClinic(db, patients, Date.now());
  const { seed } = clinic;
  console.log(
    `Seeded ${seed.patients} patients, ${seed.pumps} pumps, ${seed.visits} fills and refills, ${clinic.appointments} appointments in ${(clinic.seedMs / 1000).toFixed(1)} s`,
  );
  figures.push({
    key: 'seed.seconds',
    label: `Seed ${patients.toLocaleString('en-US')} patients`,
    value: round(clinic.seedMs / 1000, 1),
    unit: 's',
    targetMax: 60,
    targetText: '≤ 60 s',
  });

  const sample = samplePumps(db, clinic.clinicId, SAMPLE);
  // ---- 3. Raw baseline (not with --only lighthouse) ----
  const baseline = lighthouseOnly ? null : rawBaseline(db, clinic.clinicId, sample);

  if (!values['raw-only']) {
    // ---- Credentials for the HTTP targets ----
    const apiToken = createApiToken(db, clinic.clinicId);
    const feeds = createFeedTokens(
      db,
      clinic.clinicId,
      sample.map((p) => p.patientId),
    );
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    closeDatabase(db);

    // ---- 4. Server ----
    console.log(`\nStarting the production server (scripts/server.mjs, ${distDir}) …`);
    const startedAt = performance.now();
    server = await startServer({
      root,
      distDir,
      databasePath,
      logFile,
      readyTimeoutMs: Math.max(120_000, patients * 6),
    });
    const readyMs = performance.now() - startedAt;
    console.log(
      `  answering at ${server.origin} after ${(readyMs / 1000).toFixed(1)} s (start-up re-forecasts every pump)`,
    );
    figures.push({
      key: 'server.readySeconds',
      label: 'Server start until answering',
      value: round(readyMs / 1000, 1),
      unit: 's',
    });

    const cookie = await signInNurse(server.origin);

    const origin = server.origin;
    const running = server;
    // Requests still in flight when a run stops keep the server busy (seconds, for a 100 MB feed): wait until it
    // is idle, so that the next figure measures its own endpoint, not the previous one's backlog.
    const settle = async () => {
      for (let waited = 0; waited < 120_000; waited += 250) {
        const before = running.cpuMs();
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (running.cpuMs() - before < 25) return;
      }
      console.warn('  (the server was still busy after 2 minutes)');
    };

    // ---- The HTTP figures (not with --only lighthouse) ----
    if (baseline) {
      const { raw, rawOne } = baseline;
      const bearer = { Authorization: `Bearer ${apiToken}` };
      const targets: (HttpTarget & {
        key: string;
        baselineP50?: number;
        baselineP95?: number;
        baselineCpuMs?: number;
        targetMax?: number;
        targetText?: string;
        issueTarget?: string;
        cpuTargetMax?: number;
        cpuIssueTarget?: string;
      })[] = [
        {
          key: 'worklist',
          name: 'GET /api/v1/worklist',
          paths: ['/api/v1/worklist'],
          headers: bearer,
          baselineP50: raw.p50,
          baselineP95: raw.p95,
          baselineCpuMs: raw.cpuMs,
          // Issue 12: within 1.5× the raw baseline, measured in the same run.
          targetMax: 1.5 * raw.p50,
          targetText: `≤ 1.5× raw`,
          issueTarget: 'Worklist API p50 within 1.5× the raw baseline',
        },
        {
          key: 'patientPage',
          name: 'GET /patients/{id} (page)',
          paths: sample.map((p) => `/patients/${p.patientId}`),
          headers: { Cookie: cookie },
          cpuTargetMax: 15,
          cpuIssueTarget: 'Patient page: server CPU per request',
        },
        {
          key: 'pumpForecast',
          name: 'GET /api/v1/pumps/{id}/forecast',
          paths: sample.map((p) => `/api/v1/pumps/${p.pumpId}/forecast`),
          headers: bearer,
          baselineP50: rawOne.p50,
          baselineP95: rawOne.p95,
          baselineCpuMs: rawOne.cpuMs,
        },
        {
          key: 'patientFeed',
          name: 'GET /feeds/patients/{token}.ics',
          paths: feeds.patient.map((t) => `/feeds/patients/${t}.ics`),
          headers: {},
          targetMax: 10,
          targetText: '< 10 ms',
        },
        {
          key: 'clinicFeed',
          name: 'GET /feeds/clinics/{token}.ics (staff feed, whole clinic)',
          paths: [`/feeds/clinics/${feeds.clinic}.ics`],
          headers: {},
          targetMax: 10,
          targetText: '< 10 ms',
        },
      ];

      // ---- Measure ----
      type Target = (typeof targets)[number];
      const record = async (target: Target) => {
        await settle();
        console.log(
          `\n${target.name}: ${target.paths.length} path(s), ${warmupSeconds} s warm-up, ${seconds} s at 1 connection, ${seconds} s at ${connections} …`,
        );
        const result = await measure(origin, target, {
          warmupSeconds,
          seconds,
          connections,
          serverCpuMs: running.cpuMs,
        });
        http[target.key] = result;
        const note = problem(result, target.expectStatus) ?? undefined;
        if (note) failed = true;
        console.log(
          `  1 conn: p50 ${result.latency.p50} ms, p95 ${result.latency.p95} ms (${result.latency.requestsPerSecond} req/s, server CPU ${result.latency.serverCpuMs} ms per request); ` +
            `${connections} conns: ${result.throughput.requestsPerSecond} req/s, p50 ${result.throughput.p50} ms, p95 ${result.throughput.p95} ms; ` +
            `~${(result.responseBytes / 1024).toFixed(1)} KiB per response${note ? `; ${note}` : ''}`,
        );
        figures.push(
          {
            key: `http.${target.key}.p50`,
            label: `${target.name} p50`,
            value: result.latency.p50,
            unit: 'ms',
            baseline: target.baselineP50,
            targetMax: target.targetMax,
            targetText: target.targetText,
            issueTarget: target.issueTarget,
            note,
          },
          {
            key: `http.${target.key}.p95`,
            label: `${target.name} p95`,
            value: result.latency.p95,
            unit: 'ms',
            baseline: target.baselineP95,
          },
          {
            key: `http.${target.key}.serverCpuMs`,
            label: `${target.name} server CPU per request`,
            value: result.latency.serverCpuMs,
            unit: 'ms',
            baseline: target.baselineCpuMs,
            targetMax: target.cpuTargetMax,
            targetText: target.cpuTargetMax != null ? `≤ ${target.cpuTargetMax} ms` : undefined,
            issueTarget: target.cpuIssueTarget,
          },
          {
            key: `http.${target.key}.rps`,
            label: `${target.name} req/s (${connections} conns)`,
            value: result.throughput.requestsPerSecond,
            unit: 'req/s',
          },
          {
            key: `http.${target.key}.p50Loaded`,
            label: `${target.name} p50 (${connections} conns)`,
            value: result.throughput.p50,
            unit: 'ms',
          },
        );
        return result;
      };

      for (const target of targets) {
        const probeStarted = performance.now();
        const first = await probe(origin, target.paths[0]!, target.headers).catch((error: Error) => ({
          status: 0,
          body: error.message,
          etag: null,
        }));
        const firstMs = performance.now() - probeStarted;
        let missing: string | null = null;
        if (first.status === 404)
          missing =
            target.key === 'patientPage'
              ? 'missing: the page answers 404 (not written yet?)'
              : 'not available: the route answers 404 for a valid token or id';
        else if (first.status < 200 || first.status >= 300)
          missing = `error: answered ${first.status === 0 ? first.body : first.status} (${first.body.slice(0, 200).replace(/\s+/g, ' ')})`;
        if (missing) {
          console.log(`\n${target.name}: ${missing}`);
          if (first.status !== 404) failed = true;
          http[target.key] = { missing };
          figures.push({
            key: `http.${target.key}.p50`,
            label: `${target.name} p50`,
            value: null,
            unit: 'ms',
            targetMax: target.targetMax,
            targetText: target.targetText,
            issueTarget: target.issueTarget,
            note: missing,
          });
          continue;
        }
        const result = await record(target);
        if (target.key !== 'clinicFeed') continue;
        // Google Calendar is reported to drop subscriptions above about 1 MB (issue 16, item 9): the plain body's size.
        figures.push({
          key: 'http.clinicFeed.bytes',
          label: 'Staff feed size (plain, whole clinic)',
          value: round(Buffer.byteLength(first.body, 'utf8') / 1024, 1),
          unit: 'KiB',
          targetMax: 1_000_000 / 1024,
          targetText: '< 1 MB',
        });
        figures.push({
          key: 'http.clinicFeed.firstMs',
          label: 'Clinic feed first request (cache cold)',
          value: round(firstMs),
          unit: 'ms',
          note: `includes loading the route; the body (${(result.responseBytes / 1024).toFixed(0)} KiB) is then cached per clinic (lib/feeds/serve.ts)`,
        });
        // Calendar apps poll with the ETag they hold: the usual request is a revalidation answered 304.
        if (first.etag) {
          await record({
            ...target,
            key: 'clinicFeed304',
            name: 'GET /feeds/clinics/{token}.ics If-None-Match (304)',
            headers: { ...target.headers, 'If-None-Match': first.etag },
            expectStatus: 304,
          });
        }
        // Calendar apps ask for gzip: the gzip body is made once per cached feed (lib/feeds/serve.ts), with its own ETag.
        await record({
          ...target,
          key: 'clinicFeedGzip',
          name: 'GET /feeds/clinics/{token}.ics (gzip)',
          headers: { 'Accept-Encoding': 'gzip' },
          targetMax: undefined,
          targetText: undefined,
        });
      }
    }

    // ---- Lighthouse: the worklist and the patient page, on a phone and a desktop (issues 12 and 18; a bench
    // step, not a test: its scores belong to a machine) ----
    const pages = [
      { key: 'worklist', name: 'Worklist', path: '/' },
      { key: 'patient', name: 'Patient page', path: `/patients/${sample[0]!.patientId}` },
    ];
    const formFactors: FormFactor[] = ['mobile', 'desktop'];
    for (const page of pages) {
      for (const formFactor of formFactors) {
        await settle();
        const url = `${origin}${page.path}`;
        console.log(
          `\nLighthouse ${formFactor} (${formFactor === 'mobile' ? 'slow 4G, 4× CPU' : 'desktop preset'}, simulated throttling${lighthouseRuns > 1 ? `, median of ${lighthouseRuns}` : ''}) on ${url}, load average ${os.loadavg()[0]!.toFixed(1)} …`,
        );
        const lh = await medianLighthouse(url, { Cookie: cookie }, formFactor, lighthouseRuns, {
          reportDir: values['lighthouse-reports'],
          name: page.key,
        });
        const note =
          'missing' in lh
            ? lh.missing
            : `load average ${lh.load.before.toFixed(1)} → ${lh.load.after.toFixed(1)}; LCP ${round(lh.lcpMs ?? NaN, 0)} ms, TBT ${round(lh.tbtMs ?? NaN, 0)} ms, ${round(lh.scriptKiB ?? NaN, 0)} KiB of script` +
              (lighthouseRuns > 1 ? `; performance of the runs ${lh.performanceRuns.join(', ')}` : '') +
              (lh.failing.length ? `; audits below 0.9: ${lh.failing.join(', ')}` : '');
        if ('missing' in lh) console.log(`  ${lh.missing}`);
        else {
          console.log(
            `  performance ${lh.performance}, accessibility ${lh.accessibility}, best practices ${lh.bestPractices} (${note})`,
          );
          if (lh.reportFile) console.log(`  report: ${path.relative(root, lh.reportFile)}`);
        }
        lighthouse[`${page.key}.${formFactor}`] = lh;
        const value = (k: 'performance' | 'accessibility' | 'bestPractices') =>
          'missing' in lh ? null : lh[k];
        const who = `${page.name}, ${formFactor}`;
        // Issue 12 set the patient page's mobile performance; issue 18 all four cases.
        const issues = page.key === 'patient' && formFactor === 'mobile' ? 'issues 12, 18' : 'issue 18';
        figures.push(
          {
            key: `lighthouse.${page.key}.${formFactor}.performance`,
            label: `${who}, Lighthouse: performance`,
            value: value('performance'),
            unit: 'score',
            targetMin: 95,
            targetText: '≥ 95',
            issueTarget: `${who}: Lighthouse performance (${issues})`,
            note,
          },
          {
            key: `lighthouse.${page.key}.${formFactor}.accessibility`,
            label: `${who}, Lighthouse: accessibility`,
            value: value('accessibility'),
            unit: 'score',
            targetMin: 100,
            targetText: '100',
            issueTarget: `${who}: Lighthouse accessibility (issue 18)`,
          },
          {
            key: `lighthouse.${page.key}.${formFactor}.bestPractices`,
            label: `${who}, Lighthouse: best practices`,
            value: value('bestPractices'),
            unit: 'score',
            targetMin: 95,
            targetText: '≥ 95',
            issueTarget: `${who}: Lighthouse best practices (issue 18)`,
          },
        );
      }
    }
  } else {
    closeDatabase(db);
  }

  // ---- 5. Report ----
  // A Lighthouse-only run has its own file, so that it does not replace a whole run's figures.
  const resultsFile = path.join(
    root,
    'bench',
    `results${lighthouseOnly ? '-lighthouse' : ''}${patients === 10_000 ? '' : `-${patients}`}.json`,
  );
  const reference =
    patients === 10_000 || lighthouseOnly ? null : loadReference(path.join(root, 'bench', 'results.json'));
  const results = evaluate(figures, reference);
  console.log(`\n=== ${patients.toLocaleString('en-US')} patients ===\n`);
  console.log(table(results, reference != null));
  const targetsText = issueTargets(results);
  if (targetsText) console.log(`\n${targetsText}`);
  if (patients !== 10_000 && !lighthouseOnly && !reference)
    console.log('\n(No bench/results.json from a 10,000-patient run to compare with.)');
  const warningAtEnd = busyWarning('end');
  if (warningAtStart || warningAtEnd)
    console.warn(`\n${[warningAtStart, warningAtEnd].filter(Boolean).join('\n')}`);
  if (results.some((r) => r.status === 'FAIL')) failed = true;
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: { start: round(loadAtStart, 1), end: round(os.loadavg()[0]!, 1) },
    next: (
      JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'next', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version,
  };
  fs.writeFileSync(
    resultsFile,
    JSON.stringify(
      {
        patients,
        at: new Date().toISOString(),
        machine,
        settings: {
          seconds,
          warmupSeconds,
          connections,
          distDir,
          rawOnly: values['raw-only'],
          only: values.only ?? null,
          lighthouseRuns,
        },
        seed: { ...clinic.seed, appointments: clinic.appointments, seconds: round(clinic.seedMs / 1000, 1) },
        baseline: baseline
          ? { worklist: baseline.raw, pumpForecast: baseline.rawOne, forecastAll: baseline.all }
          : null,
        http,
        lighthouse,
        figures: results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nWrote ${path.relative(root, resultsFile)}.`);
} catch (error) {
  failed = true;
  console.error('\nThe benchmark failed:', error);
  if (fs.existsSync(logFile))
    console.error(
      `\nLast lines of the server log:\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n')}`,
    );
} finally {
  if (server) await server.stop();
  if (values.keep) console.log(`Kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;

/**
 * Step 3: the raw baseline in this process (no Next.js, no HTTP), the worklist's query plan and the durability
 * figures, pushed onto `figures`.
 */
function rawBaseline(db: Db, clinicId: number, sample: { pumpId: number; patientId: number }[]) {
  console.log('\nRaw baseline (plain Node, no Next.js, no HTTP) …');
  const raw = rawWorklist(db, clinicId, seconds);
  console.log(
    `  listWorklist (first page of ${raw.rows}, ${raw.total} pumps ranked): p50 ${raw.p50} ms, p95 ${raw.p95} ms over ${raw.iterations} calls (CPU ${raw.cpuMs} ms per call)`,
  );
  // The first page must be a range read of the rank key index, not a sort of every pump (decision 025).
  const clinicRow = db.select().from(schema.clinics).where(eq(schema.clinics.id, clinicId)).get()!;
  const plan = worklistPagePlan(db, clinicRow, {}, Date.now());
  const sorts = plan.some((d) => /TEMP B-TREE/.test(d));
  const indexRead = plan.some((d) => /INDEX pump_forecasts_rank_key_idx/.test(d));
  console.log(`  first page's query plan: ${plan.join('; ')}`);
  figures.push({
    key: 'raw.worklist.rowsSorted',
    label: 'Worklist first page: pumps sorted to find it',
    value: sorts || !indexRead ? raw.total : 0,
    unit: 'rows',
    targetMax: 0,
    targetText: 'none (index range read)',
    issueTarget: 'Worklist: the first ranked page of 50 reads an index',
    note: `plan: ${plan.join('; ')}`,
  });
  const rawOne = rawPumpForecast(
    db,
    clinicId,
    sample.map((p) => p.pumpId),
    seconds,
  );
  console.log(`  one pump's forecast (pumpForecastFor): p50 ${rawOne.p50} ms, p95 ${rawOne.p95} ms`);
  // Loading 100,000 pumps takes tens of seconds: fewer repeats for a large clinic.
  const all = forecastAll(db, clinicId, patients <= 20_000 ? 5 : 3);
  console.log(
    `  forecast all ${all.pumps} pumps: load ${all.loadMs} ms + compute ${all.computeMs} ms (CPU ${all.computeCpuMs} ms; median of ${all.repeats})`,
  );
  figures.push(
    { key: 'raw.worklist.p50', label: 'Raw listWorklist p50', value: raw.p50, unit: 'ms' },
    { key: 'raw.worklist.p95', label: 'Raw listWorklist p95', value: raw.p95, unit: 'ms' },
    { key: 'raw.worklist.cpuMs', label: 'Raw listWorklist CPU time per call', value: raw.cpuMs, unit: 'ms' },
    { key: 'raw.pumpForecast.p50', label: 'Raw one-pump forecast p50', value: rawOne.p50, unit: 'ms' },
    {
      key: 'raw.pumpForecast.cpuMs',
      label: 'Raw one-pump forecast CPU time per call',
      value: rawOne.cpuMs,
      unit: 'ms',
    },
    {
      key: 'raw.forecastAll.loadMs',
      label: `Forecast all pumps: load (SQL + inputs)`,
      value: all.loadMs,
      unit: 'ms',
    },
    {
      key: 'raw.forecastAll.computeMs',
      label: `Forecast all pumps: compute (engine)`,
      value: all.computeMs,
      unit: 'ms',
      targetMax: 100,
      targetText: '< 100 ms',
    },
    {
      key: 'raw.forecastAll.computeCpuMs',
      label: 'Forecast all pumps: compute CPU time',
      value: all.computeCpuMs,
      unit: 'ms',
    },
    {
      key: 'raw.forecastAll.totalMs',
      label: 'Forecast all pumps: load + compute',
      value: round(all.loadMs + all.computeMs),
      unit: 'ms',
    },
  );

  // Durability: a refill visit's commit under synchronous NORMAL and FULL (docs/decisions/012-durability.md), on
  // pumps outside the HTTP sample so the HTTP targets read the seeded state.
  const sampled = new Set(sample.map((p) => p.pumpId));
  const refillPumps = samplePumps(db, clinicId, SAMPLE + 2 * REFILLS_PER_SETTING)
    .map((p) => p.pumpId)
    .filter((id) => !sampled.has(id));
  const durability = refillWriteLatency(db, clinicId, refillPumps, REFILLS_PER_SETTING);
  for (const d of durability) {
    console.log(
      `  record a refill visit, synchronous=${d.synchronous}: p50 ${d.p50} ms, p95 ${d.p95} ms, mean ${d.mean} ms (${d.n} visits)`,
    );
    const key = d.synchronous.toLowerCase();
    figures.push(
      {
        key: `raw.refillWrite.${key}.p50`,
        label: `Record a refill visit (synchronous=${d.synchronous}) p50`,
        value: d.p50,
        unit: 'ms',
      },
      {
        key: `raw.refillWrite.${key}.p95`,
        label: `Record a refill visit (synchronous=${d.synchronous}) p95`,
        value: d.p95,
        unit: 'ms',
      },
    );
  }
  return { raw, rawOne, all };
}
