/**
 * The process's single connection, opened (and migrated) on first use, after taking the database's server
 * lock (db/server-lock.ts: one server process per database file).
 */
import { env } from '@/lib/env';
import { openDatabase, type Db } from './client';
import { acquireServerLock, type ServerLock } from './server-lock';

const globalForDb = globalThis as unknown as { __pumpDb?: Db; __pumpLock?: ServerLock };

export function getDb(): Db {
  if (!globalForDb.__pumpDb) {
    const databasePath = env().DATABASE_PATH;
    globalForDb.__pumpLock ??= acquireServerLock(databasePath);
    globalForDb.__pumpDb = openDatabase(databasePath);
  }
  return globalForDb.__pumpDb;
}
