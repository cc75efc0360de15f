/**
 * HTTP measurements with autocannon, in this process, against 127.0.0.1 only and bounded in time.
 *
 * Each target is measured twice after a warm-up: with ONE connection for latency (the time one request takes,
 * comparable with the raw in-process baseline), then with several connections for throughput (requests/s, with
 * the latency under that load, which includes queueing behind the other connections on a single Node process).
 */
import autocannon, { type RequestParams } from 'autocannon';
import { round, summarize } from './stats';

export interface HttpTarget {
  name: string;
  /** Paths to cycle through (several patients or pumps, so one cached row does not flatter the figure). */
  paths: string[];
  headers: Record<string, string>;
  /** The status every response must have (default: any 2xx). */
  expectStatus?: number;
}

export interface LoadFigures {
  connections: number;
  seconds: number;
  requests: number;
  p50: number;
  p95: number;
  requestsPerSecond: number;
  statuses: Record<string, number>;
  errors: number;
  /** CPU time the server spent per response (its processes, from /proc): hardly affected by a busy machine. */
  serverCpuMs: number | null;
}

export interface HttpFigures {
  name: string;
  latency: LoadFigures;
  throughput: LoadFigures;
  responseBytes: number;
}

export interface MeasureOptions {
  warmupSeconds: number;
  seconds: number;
  connections: number;
  /** The server's CPU time so far, in ms. */
  serverCpuMs?: () => number;
}

function run(
  origin: string,
  target: HttpTarget,
  connections: number,
  seconds: number,
  serverCpuMs?: () => number,
): Promise<LoadFigures & { bytes: number[] }> {
  const cpuBefore = serverCpuMs?.() ?? null;
  let next = 0;
  const nextPath = () => target.paths[next++ % target.paths.length]!;
  const latencies: number[] = [];
  const bytes: number[] = [];
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration: seconds,
        timeout: 30,
        headers: target.headers,
        requests: [{ setupRequest: (request: RequestParams) => ({ ...request, path: nextPath() }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        const { p50, p95 } = summarize(latencies);
        resolve({
          connections,
          seconds: result.duration,
          requests: latencies.length,
          p50: round(p50),
          p95: round(p95),
          requestsPerSecond: round(latencies.length / result.duration, 1),
          statuses,
          errors: result.errors + result.timeouts,
          serverCpuMs:
            cpuBefore != null && latencies.length > 0
              ? round((serverCpuMs!() - cpuBefore) / latencies.length)
              : null,
          bytes,
        });
      },
    );
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      latencies.push(responseTime);
      bytes.push(resBytes);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
}

/** Warm-up, then latency at one connection, then throughput at `connections`. */
export async function measure(
  origin: string,
  target: HttpTarget,
  options: MeasureOptions,
): Promise<HttpFigures> {
  await run(origin, target, 1, options.warmupSeconds);
  const { bytes, ...latency } = await run(origin, target, 1, options.seconds, options.serverCpuMs);
  const { bytes: _bytes, ...throughput } = await run(
    origin,
    target,
    options.connections,
    options.seconds,
    options.serverCpuMs,
  );
  return { name: target.name, latency, throughput, responseBytes: Math.round(summarize(bytes).p50) };
}

/** Why the figures cannot be trusted (a wrong status, a socket error, no response at all), or null. */
export function problem(figures: HttpFigures, expectStatus?: number): string | null {
  const issues: string[] = [];
  for (const [label, f] of [
    ['1 connection', figures.latency],
    [`${figures.throughput.connections} connections`, figures.throughput],
  ] as const) {
    if (f.requests === 0) issues.push(`${label}: no response completed within the ${f.seconds} s run`);
    const wrong = Object.keys(f.statuses).filter((code) =>
      expectStatus ? code !== String(expectStatus) : !code.startsWith('2'),
    );
    if (wrong.length) issues.push(`${label}: unexpected statuses ${JSON.stringify(f.statuses)}`);
    if (f.errors) issues.push(`${label}: ${f.errors} socket errors or timeouts`);
  }
  return issues.length ? issues.join('; ') : null;
}

/** One plain request, to decide whether a route exists before benchmarking it. */
export async function probe(
  origin: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; etag: string | null }> {
  const response = await fetch(origin + path, {
    // fetch asks for gzip by itself; autocannon does not: probe the representation the measured requests get (the
    // feeds' plain and gzip bodies have different ETags, and the 304 run revalidates with this one).
    headers: { 'accept-encoding': 'identity', ...headers },
    redirect: 'manual',
    signal: AbortSignal.timeout(120_000),
  });
  return { status: response.status, body: await response.text(), etag: response.headers.get('etag') };
}
