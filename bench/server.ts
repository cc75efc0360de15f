/**
 * The production server under test: scripts/server.mjs (as `npm start` runs it) on 127.0.0.1 and a free port, on the benchmark's database.
 * It runs in its own process group so that stopping it also stops anything it spawned, and it is stopped when
 * the benchmark exits for any reason (the caller's finally, or the exit hook below for a crash or Ctrl-C).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface RunningServer {
  origin: string;
  port: number;
  child: ChildProcess;
  log: string;
  stop: () => Promise<void>;
  /** CPU time (user + system, ms) used so far by the server's processes (its process group), from /proc. */
  cpuMs: () => number;
}

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of every process whose process group is `pgid` (Linux /proc; 0 elsewhere). */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the parenthesised command name: state ppid pgrp ... utime(14) stime(15), 1-based overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid == null || child.exitCode != null || child.signalCode != null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    process.exit(130);
  });
}

export async function startServer(options: {
  root: string;
  distDir: string;
  databasePath: string;
  logFile: string;
  readyTimeoutMs: number;
}): Promise<RunningServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const out = fs.openSync(options.logFile, 'a');
  // BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile into DIR when it stops (bench/profile.ts reads it).
  const profileDir = process.env.BENCH_CPU_PROF;
  const child = spawn(
    process.execPath,
    // The same server `npm start` runs: Next.js's handler behind scripts/server.mjs's limits.
    [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), path.join(options.root, 'scripts', 'server.mjs')],
    {
      cwd: options.root,
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_DIST_DIR: options.distDir,
        NEXT_TELEMETRY_DISABLED: '1',
        DATABASE_PATH: options.databasePath,
        SEED_DEMO: 'false',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: origin,
        // The scheduled backup's first run comes 5 s after start, inside the first endpoint's measurement (its
        // integrity check alone is hundreds of ms of CPU at 10,000 patients): the bench measures requests.
        BACKUP_INTERVAL: 'off',
      },
    },
  );
  fs.closeSync(out);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    running.delete(child);
  };

  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (child.exitCode != null || child.signalCode != null) {
      running.delete(child);
      throw new Error(
        `The server exited (${child.exitCode ?? child.signalCode}) before answering; see ${options.logFile}`,
      );
    }
    try {
      // Any answer at all means the server is listening (start-up work runs before it listens).
      const response = await fetch(`${origin}/sign-in`, {
        redirect: 'manual',
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      return { origin, port, child, log: options.logFile, stop, cpuMs: () => groupCpuMs(child.pid!) };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `The server did not answer within ${options.readyTimeoutMs / 1000} s; see ${options.logFile}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Signs the demo nurse in on a running bench server; the session cookie, for a page request's Cookie header. */
export async function signInNurse(origin: string): Promise<string> {
  const signIn = await fetch(`${origin}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ email: 'nurse@demo.clinic', password: 'demo-clinic-2026' }),
  });
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!signIn.ok || !cookie) throw new Error(`Sign-in failed: ${signIn.status} ${await signIn.text()}`);
  return cookie;
}
