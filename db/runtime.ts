/** The process's single connection, opened (and migrated) on first use. */
import { env } from '@/lib/env';
import { openDatabase, type Db } from './client';

const globalForDb = globalThis as unknown as { __pumpDb?: Db };

export function getDb(): Db {
  globalForDb.__pumpDb ??= openDatabase(env().DATABASE_PATH);
  return globalForDb.__pumpDb;
}
