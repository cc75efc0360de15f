/**
 * One server process per database file. Two processes on one file is not a supported deployment: the app
 * keeps per-process state (the hourly forecast refresh, the sign-in throttle's reads, start-up migrations and
 * seeding), and a second process turns lock waits into errors. The server therefore takes an OS-level lock
 * at start-up and a second one is refused with a clear message.
 *
 * The lock is SQLite's own: a small SQLite file beside the database (`<DATABASE_PATH>.lock`) opened in
 * exclusive locking mode and written once, so this connection holds an exclusive POSIX lock on it for the
 * life of the process. The kernel drops that lock when the process ends, however it ends (exit, crash,
 * SIGKILL, power cut), so there is no stale lock to clean up and no pid that may have been reused.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseStartupError } from './client';
import { clockNow } from '../lib/clock';

const LOCK_WAIT_MS = 1000;

export interface ServerLock {
  path: string;
  /** A server opened the database under this lock before (so a missing file was deleted or moved, not new). */
  databaseOpenedBefore: boolean;
  /** Records that the database is open under this lock. */
  markDatabaseOpened(): void;
  release(): void;
}

export function lockPathFor(databasePath: string): string {
  return `${path.resolve(databasePath)}.lock`;
}

/** Takes the database's server lock or throws DatabaseStartupError when another process holds it. */
export function acquireServerLock(databasePath: string): ServerLock {
  const lockPath = lockPathFor(databasePath);
  let lock: Database.Database | undefined;
  try {
    // A short wait covers two servers starting at the same instant; a server that holds the lock holds it
    // for its whole life, so waiting longer would only delay the refusal.
    fs.mkdirSync(path.dirname(lockPath), { recursive: true });
    lock = new Database(lockPath, { timeout: LOCK_WAIT_MS });
    lock.pragma('locking_mode = EXCLUSIVE');
    // BEGIN EXCLUSIVE takes the EXCLUSIVE lock before any read; in exclusive locking mode it is kept after
    // COMMIT until the connection closes.
    lock.exec('BEGIN EXCLUSIVE');
    try {
      lock.exec('create table if not exists holder (pid integer not null, started_at integer not null)');
      lock.exec('delete from holder');
      lock.prepare('insert into holder (pid, started_at) values (?, ?)').run(process.pid, clockNow());
      lock.exec('create table if not exists opened (at integer not null)');
      lock.exec('COMMIT');
    } catch (error) {
      lock.exec('ROLLBACK');
      throw error;
    }
  } catch (error) {
    lock?.close();
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new DatabaseStartupError(
        `Another server process is already running on DATABASE_PATH ${databasePath} (it holds ${lockPath}). One server process per database file is supported: stop the other one, or point DATABASE_PATH elsewhere.`,
      );
    }
    throw new DatabaseStartupError(
      `Cannot create the server lock ${lockPath} beside DATABASE_PATH (${code || (error as Error).message}). Choose a writable location for DATABASE_PATH.`,
    );
  }
  const held = lock;
  const release = () => {
    if (held.open) held.close();
  };
  process.once('exit', release);
  const openedBefore = (held.prepare('select count(*) as n from opened').get() as { n: number }).n > 0;
  return {
    path: lockPath,
    databaseOpenedBefore: openedBefore,
    markDatabaseOpened: () => {
      if (!openedBefore && held.open) held.prepare('insert into opened (at) values (?)').run(clockNow());
    },
    release: () => {
      process.off('exit', release);
      release();
    },
  };
}
