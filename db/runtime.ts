/**
 * The process's single connection, opened (and migrated) on first use, after taking the database's server
 * lock (db/server-lock.ts: one server process per database file).
 */
import fs from 'node:fs';
import { env } from '@/lib/env';
import { DatabaseStartupError, openDatabase, type Db } from './client';
import { acquireServerLock, type ServerLock } from './server-lock';

const globalForDb = globalThis as unknown as { __pumpDb?: Db; __pumpLock?: ServerLock };

export function getDb(): Db {
  if (!globalForDb.__pumpDb) {
    const databasePath = env().DATABASE_PATH;
    const lock = (globalForDb.__pumpLock ??= acquireServerLock(databasePath));
    assertNotLost(databasePath, lock);
    globalForDb.__pumpDb = openDatabase(databasePath);
    lock.markDatabaseOpened();
  }
  return globalForDb.__pumpDb;
}

/**
 * A database file that is gone where a server has opened one before (its lock file records it) was deleted or
 * moved: starting would create an empty one, and with SEED_DEMO a demo clinic whose passwords are in the README,
 * while the clinic's records are lost. Refuse instead, and say how to recover. Checked under the lock, so a
 * second server starting at the same moment is refused as a second server, not as a lost database.
 */
function assertNotLost(databasePath: string, lock: ServerLock): void {
  if (fs.existsSync(databasePath) || !lock.databaseOpenedBefore) return;
  lock.release();
  globalForDb.__pumpLock = undefined;
  throw new DatabaseStartupError(
    `DATABASE_PATH ${databasePath} does not exist, but a server has opened a database there before (${lock.path} records it): the database was deleted or moved. Restore the latest backup (npm run db:restore -- latest), or, to start an empty clinic on purpose, delete ${lock.path}.`,
  );
}
