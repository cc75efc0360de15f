/**
 * Start-up failures end the process (issue "Runs for years unattended", item 1) and one server process runs
 * per database file (item 3). Each case runs the real start-up (db/startup.ts, what instrumentation.ts calls)
 * in a child process, as a supervisor would see it: an exit status and a message on stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const child = path.join(import.meta.dirname, 'startup-child.ts');

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

interface Run {
  process: ChildProcess;
  /** Resolves with the exit status once the process ends. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Resolves once start-up finished and the process serves (or rejects when it exits first). */
  started: Promise<void>;
}

function start(databasePath: string, options: { uid?: number } = {}): Run {
  const proc = spawn(process.execPath, ['--import', 'tsx', child], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_PATH: databasePath, SEED_DEMO: 'false', NODE_ENV: 'test' },
    ...(options.uid != null ? { uid: options.uid, gid: options.uid } : {}),
  });
  cleanups.push(() => proc.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  let markStarted: () => void = () => {};
  let failStart: (e: Error) => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    failStart = reject;
  });
  started.catch(() => {});
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('STARTED')) markStarted();
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    proc.on('close', (code) => {
      failStart(new Error(`exited with ${code} before start-up finished: ${stderr}`));
      resolve({ code, stdout, stderr });
    });
  });
  return { process: proc, exited, started };
}

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-startup-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('a failed start-up exits non-zero with one clear message', () => {
  it('a read-only database file: refused at open, not at the first write', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'clinic.db');
    fs.copyFileSync(inject('templateDb'), file);
    fs.chmodSync(file, 0o444);
    // Root writes through file modes: run the server as an unprivileged user there, as in production.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) fs.chmodSync(dir, 0o777);
    const { code, stderr, stdout } = await start(file, asRoot ? { uid: 65534 } : {}).exited;
    expect(stdout).not.toContain('STARTED');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /Cannot start: DATABASE_PATH .*clinic\.db opens but cannot be written \(SQLITE_READONLY/,
    );
    expect(stderr.match(/Cannot start/g)).toHaveLength(1);
  });

  it('a database from a newer version of the app', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'clinic.db');
    fs.copyFileSync(inject('templateDb'), file);
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(file);
    raw
      .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
      .run('future', 9_999_999_999_999);
    raw.close();
    const { code, stderr } = await start(file).exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/Cannot start: The database .* was written by a newer version of this app/);
  });
});

describe('one server process per database file', () => {
  it('two servers starting at once on an empty path: one serves, the other is refused with a message', async () => {
    const file = path.join(tmpDir(), 'data', 'clinic.db');
    const a = start(file);
    const b = start(file);
    const outcome = await Promise.race([
      a.exited.then((r) => ({ refused: r, server: b })),
      b.exited.then((r) => ({ refused: r, server: a })),
    ]);
    expect(outcome.refused.code).toBe(1);
    expect(outcome.refused.stderr).toMatch(
      /Cannot start: Another server process is already running on DATABASE_PATH .*clinic\.db/,
    );
    await outcome.server.started;
  });

  it('a database deleted where a server ran: refused, never replaced by an empty (demo) clinic', async () => {
    const file = path.join(tmpDir(), 'clinic.db');
    const first = start(file);
    await first.started;
    first.process.kill('SIGKILL');
    await first.exited;
    fs.rmSync(file);
    fs.rmSync(`${file}-wal`, { force: true });
    fs.rmSync(`${file}-shm`, { force: true });
    const after = await start(file).exited;
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/Cannot start: DATABASE_PATH .*clinic\.db does not exist, but a server has opened a database there before/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('the lock goes with the process: after the server is killed, the next one starts', async () => {
    const file = path.join(tmpDir(), 'clinic.db');
    const first = start(file);
    await first.started;
    const second = await start(file).exited;
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/Another server process is already running/);
    // SIGKILL: no exit handler runs; the kernel drops the lock.
    first.process.kill('SIGKILL');
    await first.exited;
    const third = start(file);
    await third.started;
  });
});
