/** Percentiles and timing loops for the benchmark. All durations are milliseconds. */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean };
}

/**
 * Calls `fn` repeatedly: a warm-up first (JIT, SQLite page cache, prepared statements), then for `seconds` or
 * `maxIterations`, whichever ends first. Returns each call's duration, and the CPU time this process spent per
 * call (less disturbed than wall time when other processes compete for the cores).
 */
export function timeLoop(
  fn: () => unknown,
  options: { warmupSeconds: number; seconds: number; maxIterations: number },
): { samples: number[]; cpuMsPerCall: number } {
  const warmupEnd = performance.now() + options.warmupSeconds * 1000;
  do fn();
  while (performance.now() < warmupEnd);
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  const end = performance.now() + options.seconds * 1000;
  while (samples.length < options.maxIterations && (samples.length < 5 || performance.now() < end)) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { samples, cpuMsPerCall: (cpu.user + cpu.system) / 1000 / samples.length };
}

/** Runs `fn` once and returns its result with the time it took. */
export function timed<T>(fn: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = fn();
  return { result, ms: performance.now() - started };
}

export async function timedAsync<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

export const round = (x: number, digits = 2) =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x;
