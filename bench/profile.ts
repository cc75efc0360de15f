/**
 * `npm run bench:profile -- --target patientPage|worklist [--patients 10000] [--seconds 10]`: where the server's
 * CPU goes for one endpoint. Seeds a clinic as `npm run bench` does, starts the production server
 * (scripts/server.mjs) under `node --cpu-prof`, sends requests at one connection for the given time after a
 * warm-up, stops the server and prints the profile's heaviest functions (self time) and the heaviest
 * packages, per request. The .cpuprofile is kept (its path is printed) for Chrome DevTools or speedscope.
 * Uses the build in .next (or NEXT_DIST_DIR) as it is: build it first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type RequestParams } from 'autocannon';
import { closeDatabase, openDatabase } from '../db/client';
import { createApiToken, samplePumps, seedBenchClinic } from './fixtures';
import { signInNurse, startServer } from './server';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'patientPage' },
    patients: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '40' },
    /** Writes the first response's body to this file (to look at what a request sends). */
    'save-body': { type: 'string' },
  },
});
const target = values.target;
if (target !== 'patientPage' && target !== 'worklist') {
  console.error('--target must be patientPage or worklist');
  process.exit(2);
}
const patients = Number(values.patients);
const seconds = Number(values.seconds);
const distDir = process.env.NEXT_DIST_DIR || '.next';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** node_modules/<pkg> (or node:internal, or the app's own chunk) a URL belongs to. */
function packageOf(url: string): string {
  if (!url) return '(native/gc)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) {
    // Next.js bundles its dependencies into next/dist/compiled/<name>.
    const compiled = /next\/dist\/compiled\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    return compiled ? `next/compiled/${compiled[1]}` : m[1]!;
  }
  if (url.includes(`/${distDir}/server/`)) return `app (${distDir}/server chunks)`;
  return url;
}

/** The samples taken between `fromUs` and `toUs` (CLOCK_MONOTONIC, µs: V8's profile clock on Linux, as process.hrtime). */
function summarise(file: string, requests: number, top: number, fromUs: number, toUs: number) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  let t = profile.startTime;
  const inWindow = profile.timeDeltas.map((d) => {
    t += d;
    return t >= fromUs && t <= toUs;
  });
  profile.samples = profile.samples.map((id, i) => (inWindow[i] ? id : -1));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (id !== -1) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fnSelf = new Map<string, number>();
  const pkgSelf = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(program)') continue;
    total += us;
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${packageOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const pkg = packageOf(n.callFrame.url);
    pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + us);
  }
  // Inclusive time per function name (counted once per sample however often it recurses).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (id === -1) return;
    const seen = new Set<string>();
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') return;
    for (let cur: number | undefined = id; cur != null; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const key = `${f.functionName || '(anonymous)'}  ${packageOf(f.url)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  });
  const perReq = (us: number) => (us / 1000 / requests).toFixed(2).padStart(7);
  const rows = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${perReq(us)} ms  ${k}`)
      .join('\n');
  console.log(`\nBusy CPU in the profile: ${perReq(total)} ms per request over ${requests} requests (the sampled main thread only)`);
  console.log(`\nSelf time by package, ms per request:\n${rows(pkgSelf, 25)}`);
  console.log(`\nSelf time by function, ms per request:\n${rows(fnSelf, top)}`);
  console.log(`\nInclusive time by function, ms per request:\n${rows(inclusive, top * 2)}`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-profile-'));
const databasePath = path.join(tmp, 'clinic.db');
const profileDir = path.join(tmp, 'profile');
fs.mkdirSync(profileDir);
process.env.BENCH_CPU_PROF = profileDir;
const db = openDatabase(databasePath);
const clinic = await seedBenchClinic(db, patients, Date.now());
const sample = samplePumps(db, clinic.clinicId, 200);
const apiToken = createApiToken(db, clinic.clinicId);
db.$client.pragma('wal_checkpoint(TRUNCATE)');
closeDatabase(db);
const server = await startServer({
  root,
  distDir,
  databasePath,
  logFile: path.join(tmp, 'server.log'),
  readyTimeoutMs: Math.max(120_000, patients * 6),
});
try {
  const cookie = await signInNurse(server.origin);
  const paths =
    target === 'patientPage' ? sample.map((p) => `/patients/${p.patientId}`) : ['/api/v1/worklist'];
  const headers: Record<string, string> =
    target === 'patientPage' ? { Cookie: cookie } : { Authorization: `Bearer ${apiToken}` };
  const load = (duration: number) =>
    new Promise<{ requests: number; statuses: Record<number, number> }>((resolve, reject) => {
      let next = 0;
      let requests = 0;
      const statuses: Record<number, number> = {};
      const instance = autocannon(
        {
          url: server.origin,
          connections: 1,
          duration,
          headers,
          requests: [{ setupRequest: (r: RequestParams) => ({ ...r, path: paths[next++ % paths.length]! }) }],
        },
        (error) => (error ? reject(error) : resolve({ requests, statuses })),
      );
      instance.on('response', (_c, status) => {
        requests++;
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
    });
  if (values['save-body']) {
    const first = await fetch(`${server.origin}${paths[0]!}`, { headers });
    fs.writeFileSync(values['save-body'], await first.text());
  }
  await load(2);
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const cpuBefore = server.cpuMs();
  const { requests, statuses } = await load(seconds);
  const cpu = server.cpuMs() - cpuBefore;
  const toUs = Number(process.hrtime.bigint() / 1000n);
  console.log(
    `${target}: ${requests} requests in ${seconds} s (statuses ${JSON.stringify(statuses)}), server CPU ${(cpu / requests).toFixed(1)} ms per request (/proc, all threads), load average ${os.loadavg()[0]!.toFixed(1)}`,
  );
  await server.stop();
  const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('The server wrote no CPU profile.');
  const kept = path.join(os.tmpdir(), `pump-${target}-${Date.now()}.cpuprofile`);
  fs.copyFileSync(path.join(profileDir, file), kept);
  // Only the measured window's samples: the profile also covers start-up and the warm-up.
  summarise(kept, requests, Number(values.top), fromUs, toUs);
  console.log(`\nProfile kept: ${kept}`);
} finally {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
