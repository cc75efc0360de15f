/**
 * Opening the database: one connection per process, WAL, foreign keys on, a busy timeout, migrations applied
 * once. Usable from scripts (seed, backup, bench); the app goes through db/index.ts, which is server-only.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export class DatabaseStartupError extends Error {
  override name = 'DatabaseStartupError';
}

export const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

function knownMigrations(): Journal['entries'] {
  const journalPath = path.join(migrationsFolder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as Journal;
  return journal.entries;
}

/** Opens (creating if needed) the database file, checks it and brings its schema up to date. */
export function openDatabase(filePath: string, options: { migrate?: boolean } = {}): Db {
  const absolute = path.resolve(filePath);
  try {
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    fs.accessSync(path.dirname(absolute), fs.constants.W_OK);
  } catch (error) {
    throw new DatabaseStartupError(
      `DATABASE_PATH ${filePath}: its folder ${path.dirname(absolute)} cannot be created or written (${(error as NodeJS.ErrnoException).code ?? 'error'}). Choose a writable location.`,
    );
  }

  let sqlite: Database.Database;
  try {
    sqlite = new Database(absolute, { timeout: 5000 });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const check: unknown = sqlite.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(typeof check === 'string' ? check : 'quick_check failed');
  } catch (error) {
    throw new DatabaseStartupError(
      `DATABASE_PATH ${filePath} is not a usable SQLite database (${(error as Error).message}). Restore it from a backup (npm run db:restore -- FILE) or point DATABASE_PATH elsewhere.`,
    );
  }

  const db: Db = drizzle({ client: sqlite, schema });
  if (options.migrate !== false) applyMigrations(db, filePath);
  return db;
}

/** Applies pending migrations once, inside a transaction; refuses a database from a newer version. */
export function applyMigrations(db: Db, label: string): void {
  const sqlite = db.$client;
  const known = knownMigrations();
  const hasTable = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (hasTable) {
    const applied = sqlite.prepare('select created_at as createdAt from __drizzle_migrations').all() as {
      createdAt: number;
    }[];
    const knownWhen = new Set(known.map((m) => m.when));
    const unknown = applied.filter((m) => !knownWhen.has(Number(m.createdAt)));
    if (unknown.length > 0) {
      throw new DatabaseStartupError(
        `The database ${label} was written by a newer version of this app (${unknown.length} migration(s) this version does not know). Upgrade the app, or restore a backup made by this version.`,
      );
    }
  }
  migrate(db, { migrationsFolder });
}

/**
 * Refreshes the query planner's statistics where tables changed a lot (SQLite's recommended `PRAGMA optimize`,
 * 0x10002: every table, with a bounded sample). Without them the planner picked the low-selectivity pumps(status)
 * index over pumps(patient_id), making one patient's feed scan every pump of the clinic.
 */
export function optimizeDatabase(db: Db): void {
  db.$client.pragma('optimize=0x10002');
}

export function closeDatabase(db: Db): void {
  db.$client.close();
}
