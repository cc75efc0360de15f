/**
 * Start-up failures end the process (issue "Runs for years unattended", item 1) and one server process runs
 * per database file (item 3). Each case runs the real start-up (db/startup.ts, what instrumentation.ts calls)
 * in a child process, as a supervisor would see it: an exit status and a message on stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { runCleanups, start, tmpDir } from './startup-run';

afterEach(runCleanups);

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
