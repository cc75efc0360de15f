/**
 * The process's single connection, opened (and migrated) on first use, after taking the database's server
 * lock (db/server-lock.ts: one server process per database file).
 */
import fs from 'node:fs';
import { env } from '@/lib/env';
import { DatabaseStartupError, openDatabase, type Db } from './client';
import { acquireServerLock, lockPathFor, type ServerLock } from './server-lock';

const globalForDb = globalThis as unknown as { __pumpDb?: Db; __pumpLock?: ServerLock };

export function getDb(): Db {
  if (!globalForDb.__pumpDb) {
    const databasePath = env().DATABASE_PATH;
    assertNotLost(databasePath);
    globalForDb.__pumpLock ??= acquireServerLock(databasePath);
    globalForDb.__pumpDb = openDatabase(databasePath);
  }
  return globalForDb.__pumpDb;
}

/**
 * A database file that is gone where a server has run before (its lock file stays beside it) was deleted or
 * moved: starting would create an empty one, and with SEED_DEMO a demo clinic whose passwords are in the README,
 * while the clinic's records are lost. Refuse instead, and say how to recover.
 */
function assertNotLost(databasePath: string): void {
  const lock = lockPathFor(databasePath);
  if (fs.existsSync(databasePath) || !fs.existsSync(lock)) return;
  throw new DatabaseStartupError(
    `DATABASE_PATH ${databasePath} does not exist, but a server has run on it before (${lock} is there): the database was deleted or moved. Restore the latest backup (npm run db:restore -- latest), or, to start an empty clinic on purpose, delete ${lock}.`,
  );
}
