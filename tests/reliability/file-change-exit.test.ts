/**
 * The server ends itself when its database file changes underneath (issue 13, item 4), as a supervisor sees
 * it: a real start-up in a child process polling /readyz's checks, and a real file deleted, copied over in
 * place, or its write-ahead log deleted under the open connection. The process must say what happened on
 * stderr, end, and leave the file at DATABASE_PATH in a state the next start can use (or refuses loudly).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openDatabase, writeTransaction } from '../../db/client';
import { createClinic } from '../../db/factories';
import { runCleanups, start, tmpDir } from './startup-run';

afterEach(runCleanups);

const child = path.join(import.meta.dirname, 'file-change-child.ts');

function serverOn() {
  const file = path.join(tmpDir(), 'clinic.db');
  fs.copyFileSync(inject('templateDb'), file);
  return { file, server: start(file, { script: child }) };
}

function clinicNames(file: string): string[] {
  const raw = new Database(file, { readonly: true });
  try {
    return (raw.prepare('select name from clinics order by id').all() as { name: string }[]).map((r) => r.name);
  } finally {
    raw.close();
  }
}

// Each case starts a real server twice (about 3 s each on an idle machine, far more on a loaded one).
describe('the server ends when its database file changes underneath', { timeout: 120_000 }, () => {
  it('deleted: it says so and exits 1; the next start refuses and says to restore (no empty or demo clinic)', async () => {
    const { file, server } = serverOn();
    await server.started;
    fs.rmSync(file);
    const { code, stderr } = await server.exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/Stopping: The database file at DATABASE_PATH was deleted or moved while the server was running/);

    const again = await start(file, { env: { SEED_DEMO: 'true' } }).exited;
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/does not exist, but a server has opened a database there before.*Restore the latest backup/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('only its write-ahead log deleted: it exits 1 and the writes the log held are kept in the file', async () => {
    const { file, server } = serverOn();
    await server.started;
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
    fs.rmSync(`${file}-wal`);
    const { code, stderr } = await server.exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/write-ahead log \(DATABASE_PATH-wal\) was deleted/);
    // Closing the connection checkpointed the unlinked log into the file: the clinic committed before is there.
    expect(clinicNames(file)).toContain('Written before the change');
    const again = start(file);
    await again.started;
  });

  it('another database copied over it in place: it ends, moves its own log aside, and the copy starts intact', async () => {
    const dir = tmpDir();
    const other = path.join(dir, 'other.db');
    fs.copyFileSync(inject('templateDb'), other);
    const own = new Database(other);
    own.prepare('update database_identity set identity = lower(hex(randomblob(16))) where id = 1').run();
    own.close();
    const otherDb = openDatabase(other);
    writeTransaction(otherDb, (tx) => createClinic(tx, { name: 'The copied clinic', timeZone: 'UTC' }));
    otherDb.$client.close();

    const { file, server } = serverOn();
    await server.started;
    const inode = fs.statSync(file).ino;
    fs.copyFileSync(other, file); // in place: the inode stays
    expect(fs.statSync(file).ino).toBe(inode);
    const { signal, stderr } = await server.exited;
    // Killed, not exited: a normal exit closes the connection, which would checkpoint its log into the copy.
    expect(signal).toBe('SIGKILL');
    expect(stderr).toMatch(/Stopping: The database file at DATABASE_PATH was overwritten with another database/);
    expect(stderr).toMatch(/Moved this process's write-ahead log aside to .*clinic\.db-wal\.orphaned-/);
    const aside = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('clinic.db-wal.orphaned-'));
    expect(aside).toHaveLength(1);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);

    // The copy is exactly what was copied: no page of the old database's log was replayed into it.
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    expect(clinicNames(file)).toEqual(['The copied clinic']);
    const again = start(file);
    await again.started;
  });
});
