/**
 * Runs a child process as a supervisor sees it: its exit status, what it printed, and when it started serving.
 * Used by the start-up, seeding and HTTP-server reliability tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');
const startupChild = path.join(import.meta.dirname, 'startup-child.ts');

const cleanups: (() => void)[] = [];
/** Kills every child and removes every folder made since the last call (call it in afterEach). */
export function runCleanups(): void {
  while (cleanups.length) cleanups.pop()!();
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Run {
  process: ChildProcess;
  /** Resolves with the exit status once the process ends. */
  exited: Promise<Exit>;
  /** Resolves once the child printed `marker` (or rejects when it exits first). */
  started: Promise<void>;
  /** What the child printed on stdout so far. */
  stdout(): string;
}

export interface RunOptions {
  uid?: number;
  env?: Record<string, string>;
  /** The script to run (with tsx); db/startup.ts's start-up by default. */
  script?: string;
  args?: string[];
  marker?: string;
}

/** Runs the real start-up (or `options.script`) on `databasePath` in a child process. */
export function start(databasePath: string, options: RunOptions = {}): Run {
  const marker = options.marker ?? 'STARTED';
  const proc = spawn(process.execPath, ['--import', 'tsx', options.script ?? startupChild, ...(options.args ?? [])], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_PATH: databasePath, SEED_DEMO: 'false', NODE_ENV: 'test', ...options.env },
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
    if (stdout.includes(marker)) markStarted();
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    proc.on('close', (code, signal) => {
      failStart(new Error(`exited with ${code ?? signal} before start-up finished: ${stderr}`));
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { process: proc, exited, started, stdout: () => stdout };
}

export function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-startup-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
