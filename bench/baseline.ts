/**
 * The raw baseline: the same work as the HTTP targets, in plain Node on the same better-sqlite3 connection
 * type, with no Next.js, no HTTP, no authentication. What the app adds on top of it is the framework's cost.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Db } from '../db/client';
import { computeForecasts, loadForecastContexts } from '../db/queries/forecasts';
import { pumpForecastFor } from '../db/queries/pumps';
import { listWorklist } from '../db/queries/worklist';
import { round, summarize, timed, timeLoop } from './stats';

export interface RawWorklist {
  p50: number;
  p95: number;
  iterations: number;
  rows: number;
  total: number;
  /** CPU time of this process per call (mean): less disturbed than wall time when the machine is busy. */
  cpuMs: number;
}

/** listWorklist(db, clinicId, {}, now): the first page, ranked, as GET /api/v1/worklist serves it. */
export function rawWorklist(db: Db, clinicId: number, seconds: number): RawWorklist {
  const now = Date.now();
  const first = listWorklist(db, clinicId, {}, now);
  const { samples, cpuMsPerCall } = timeLoop(() => listWorklist(db, clinicId, {}, now), {
    warmupSeconds: 1,
    seconds,
    maxIterations: 5000,
  });
  const { p50, p95 } = summarize(samples);
  return {
    p50: round(p50),
    p95: round(p95),
    iterations: samples.length,
    rows: first.rows.length,
    total: first.total,
    cpuMs: round(cpuMsPerCall),
  };
}

export interface ForecastAll {
  pumps: number;
  /** loadForecastContexts(db, { clinicId }, now): the SQL and the row-to-input conversion. */
  loadMs: number;
  /** computeForecasts(contexts): the pure engine over every pump. */
  computeMs: number;
  /** CPU time of the compute step (median). */
  computeCpuMs: number;
  repeats: number;
}

// Loading 10,000 pumps leaves megabytes of garbage; collecting it between load and compute keeps the load's
// garbage out of the compute figure. (--expose-gc at run time: the npm script runs plain `tsx`.)
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Forecasts every pump of the clinic `repeats` times (after one warm-up run) and keeps the medians. */
export function forecastAll(db: Db, clinicId: number, repeats: number): ForecastAll {
  const now = Date.now();
  computeForecasts(loadForecastContexts(db, { clinicId }, now));
  const loads: number[] = [];
  const computes: number[] = [];
  const computeCpus: number[] = [];
  let pumps = 0;
  for (let i = 0; i < repeats; i++) {
    collectGarbage();
    const load = timed(() => loadForecastContexts(db, { clinicId }, now));
    collectGarbage();
    const cpuBefore = process.cpuUsage();
    const compute = timed(() => computeForecasts(load.result));
    const cpu = process.cpuUsage(cpuBefore);
    computeCpus.push((cpu.user + cpu.system) / 1000);
    loads.push(load.ms);
    computes.push(compute.ms);
    pumps = compute.result.length;
  }
  return {
    pumps,
    loadMs: round(summarize(loads).p50),
    computeMs: round(summarize(computes).p50),
    computeCpuMs: round(summarize(computeCpus).p50),
    repeats,
  };
}

/** pumpForecastFor(db, clinicId, pumpId, now) over the sampled pumps, as GET /api/v1/pumps/{id}/forecast does. */
export function rawPumpForecast(
  db: Db,
  clinicId: number,
  pumpIds: number[],
  seconds: number,
): { p50: number; p95: number; iterations: number; cpuMs: number } {
  const now = Date.now();
  let i = 0;
  const { samples, cpuMsPerCall } = timeLoop(
    () => pumpForecastFor(db, clinicId, pumpIds[i++ % pumpIds.length]!, now),
    {
      warmupSeconds: 1,
      seconds,
      maxIterations: 20_000,
    },
  );
  const { p50, p95 } = summarize(samples);
  return {
    p50: round(p50, 3),
    p95: round(p95, 3),
    iterations: samples.length,
    cpuMs: round(cpuMsPerCall, 3),
  };
}
