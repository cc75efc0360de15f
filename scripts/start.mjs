#!/usr/bin/env node
// `npm start`: build the app if the build is missing or older than the sources, then serve it in production
// mode (scripts/server.mjs) on its embedded SQLite database (migrated, and seeded with the demo clinic when empty).
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

process.env.NEXT_TELEMETRY_DISABLED = '1';
const root = path.resolve(import.meta.dirname, '..');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

export function buildIsStale() {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return true;
  const builtAt = fs.statSync(buildId).mtimeMs;
  const newest = (dir) => {
    let latest = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', '.next', 'data', 'test-results', 'playwright-report', '.git'].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }
    return latest;
  };
  return ['app', 'lib', 'db', 'public', 'proxy.ts', 'instrumentation.ts', 'instrumentation-client.ts', 'next.config.mjs', 'package-lock.json']
    .map((p) => path.join(root, p))
    .filter((p) => fs.existsSync(p))
    .some((p) => (fs.statSync(p).isDirectory() ? newest(p) : fs.statSync(p).mtimeMs) > builtAt);
}

export function ensureBuild() {
  if (!buildIsStale()) return;
  console.log('Building the app (first run or sources changed)…');
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureBuild();
  // scripts/server.mjs: Next.js's handler behind an HTTP server with timeouts, a body limit and the
  // trusted-proxy rule for forwarded headers.
  const port = process.env.PORT ?? '3000';
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'server.mjs')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORT: port, NODE_ENV: 'production' },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  // Pass the server's failure on to the supervisor: a start-up failure exits 1, a signal death is not success.
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
}
