/**
 * Opening the database: one connection per process, WAL with synchronous=FULL, foreign keys on, a busy timeout,
 * migrations applied once. Usable from scripts (seed, backup, bench); the app goes through db/index.ts, which is server-only.
 *
 * Write transactions start with BEGIN IMMEDIATE (writeTransaction, and the default of db.transaction on every
 * connection opened here). A deferred transaction that reads and then writes cannot wait for another
 * process's writer: SQLite answers SQLITE_BUSY at once, the busy timeout never applies. Taking the write lock
 * first makes the second writer wait (up to BUSY_TIMEOUT_MS), then read the committed state, so a lost edit
 * race is the 409 of assertSameVersion, not a 500.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { DatabaseFileChangedError } from '../lib/errors';
import * as schema from './schema';
import { noteStorageFailure, noteStorageOk } from './storage-state';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export class DatabaseStartupError extends Error {
  override name = 'DatabaseStartupError';
}

/** How long a writer waits for another connection's write lock before SQLITE_BUSY (mapped to 503). */
export const BUSY_TIMEOUT_MS = 5000;

/** The transaction handle drizzle passes to a transaction's callback. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Runs `fn` in ONE write transaction opened with BEGIN IMMEDIATE: it waits for another writer (busy timeout)
 * instead of failing on its first write, and reads what that writer committed. Use it for every transaction
 * that writes.
 */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' });
}

/** The file a connection opened (device + inode at open, and the identity row it held), to notice a change underneath. */
export interface FileIdentity {
  path: string;
  dev: number;
  ino: number;
  /** Its write-ahead log (`<path>-wal`), which holds every commit since the last checkpoint. */
  wal?: { dev: number; ino: number };
  /** The file's database_identity row (db/schema.ts), once migrations made sure it exists. */
  identity?: string;
  /** When the identity was last read back from the file at `path` (throttled: IDENTITY_CHECK_INTERVAL_MS). */
  identityCheckedAt?: number;
  /** An overwrite found by the identity check: kept, since the file cannot become the opened one again. */
  overwritten?: string;
}
// Kept on globalThis: Next.js bundles this module once for the instrumentation hook (which opens the
// connection) and again for the route handlers (which check it), so a module-level map would be empty there.
const globalForIdentity = globalThis as unknown as {
  __pumpDbFiles?: WeakMap<Database.Database, FileIdentity>;
  __pumpFileChanged?: FileChangedHandler;
};
const identities = (globalForIdentity.__pumpDbFiles ??= new WeakMap());

export function openedFile(db: Pick<Db, '$client'>): FileIdentity | undefined {
  return identities.get(db.$client);
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/**
 * How often a write re-reads the identity row from the file at DATABASE_PATH (a fresh read-only connection,
 * about a millisecond). The device/inode stats run on every write; /readyz reads the identity on every poll.
 */
export const IDENTITY_CHECK_INTERVAL_MS = 1000;

/** What changed: `overwritten` means the file at DATABASE_PATH is the inode opened, with other contents. */
export interface FileChange {
  kind: 'deleted' | 'replaced' | 'overwritten' | 'wal';
  message: string;
}

/**
 * The identity row of the file at `file`, read through a new read-only connection (the server's own
 * connection would answer from its page cache, which a file copied over in place does not invalidate), or an
 * error code when the file no longer reads as a database with one.
 */
function identityInFile(file: string): { identity: string } | { error: string } {
  let probe: Database.Database | undefined;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true, timeout: 250 });
    const row = probe.prepare('select identity from database_identity where id = 1').get() as { identity: string } | undefined;
    return row ? { identity: row.identity } : { error: 'no identity row' };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { error: typeof code === 'string' ? code : (error as Error).message };
  } finally {
    probe?.close();
  }
}

/**
 * What changed underneath a connection, or null when nothing did: the database file deleted, moved or replaced
 * (SQLite goes on acknowledging writes into the unlinked file: 300 writes lost after a delete), copied over in
 * place (`cp other.db clinic.db` keeps the inode: 200 writes acknowledged into a file that was then corrupt),
 * or its write-ahead log deleted or replaced (SQLite goes on appending to the unlinked log, and every commit
 * since the last checkpoint is lost at the next start: 99 of 297 writes after `rm clinic.db-wal`). Two stats on
 * every call (microseconds); the identity row is re-read when `force` or IDENTITY_CHECK_INTERVAL_MS passed.
 */
export function openedFileChange(sqlite: Database.Database, options: { force?: boolean; now?: number } = {}): FileChange | null {
  const opened = identities.get(sqlite);
  if (!opened) return null;
  if (opened.overwritten) return { kind: 'overwritten', message: opened.overwritten };
  const now = statOrNull(opened.path);
  if (!now) return { kind: 'deleted', message: 'The database file at DATABASE_PATH was deleted or moved while the server was running' };
  if (now.dev !== opened.dev || now.ino !== opened.ino)
    return { kind: 'replaced', message: 'The database file at DATABASE_PATH was replaced while the server was running' };
  if (opened.wal) {
    const wal = statOrNull(`${opened.path}-wal`);
    if (!wal || wal.dev !== opened.wal.dev || wal.ino !== opened.wal.ino)
      return {
        kind: 'wal',
        message: `The database's write-ahead log (DATABASE_PATH-wal) was ${wal ? 'replaced' : 'deleted'} while the server was running: the writes since its last checkpoint are at risk`,
      };
  }
  const at = options.now ?? performance.now();
  if (opened.identity && (options.force || opened.identityCheckedAt == null || at - opened.identityCheckedAt >= IDENTITY_CHECK_INTERVAL_MS)) {
    opened.identityCheckedAt = at;
    const found = identityInFile(opened.path);
    if (!('identity' in found && found.identity === opened.identity)) {
      opened.overwritten = `The database file at DATABASE_PATH was overwritten with ${'identity' in found ? 'another database' : `something that is not this database (${found.error})`} while the server was running`;
      return { kind: 'overwritten', message: opened.overwritten };
    }
  }
  return null;
}

/**
 * What the server does when it finds its file changed (db/startup.ts registers it: log loudly and end the
 * process, so the supervisor starts it again on the file that is at DATABASE_PATH now). Scripts and tests
 * register none: their writes are refused, nothing ends.
 */
export type FileChangedHandler = (sqlite: Database.Database, change: FileChange) => void;

export function onOpenedFileChanged(handler: FileChangedHandler | undefined): void {
  globalForIdentity.__pumpFileChanged = handler;
}

/** Finds a change (as openedFileChange) and hands it to the registered handler; returns it. */
export function checkOpenedFile(sqlite: Database.Database, options: { force?: boolean } = {}): FileChange | null {
  const change = openedFileChange(sqlite, options);
  if (change) globalForIdentity.__pumpFileChanged?.(sqlite, change);
  return change;
}

/** Refuses a write (DatabaseFileChangedError, a 503) when checkOpenedFile finds a change. */
export function assertOpenedFileInPlace(sqlite: Database.Database): void {
  const change = checkOpenedFile(sqlite);
  if (change)
    throw new DatabaseFileChangedError(
      `${change.message}: nothing was saved. Writes are refused until the server is restarted; if the file was lost, restore the latest backup first (docs/operations.md).`,
    );
}

/**
 * Checks that this connection can write, without writing: BEGIN IMMEDIATE takes the write lock (waiting at most
 * `timeoutMs` for another writer), and setting user_version to its own value makes SQLite open the file for
 * writing, which fails with SQLITE_READONLY on a read-only file (BEGIN IMMEDIATE alone succeeds there).
 * Rolled back, so nothing reaches the file.
 */
export function probeWrite(sqlite: Database.Database, timeoutMs: number): void {
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(timeoutMs))}`);
  try {
    const version = Number(sqlite.pragma('user_version', { simple: true }));
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      sqlite.pragma(`user_version = ${version}`);
    } finally {
      sqlite.exec('ROLLBACK');
    }
  } finally {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

export const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

let journalCache: Journal['entries'] | undefined;
function knownMigrations(): Journal['entries'] {
  if (journalCache) return journalCache;
  const journalPath = path.join(migrationsFolder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as Journal;
  journalCache = journal.entries;
  return journal.entries;
}

/** Statements kept per connection by cachedStatements (the app runs a few hundred distinct queries). */
export const STATEMENT_CACHE_SIZE = 1000;

/**
 * The part of a connection drizzle's session uses (prepare, transaction), with each statement prepared once per
 * SQL text and kept (least recently used dropped past STATEMENT_CACHE_SIZE). Compiling a statement is a good
 * part of a small query's cost (a patient page runs some forty). A kept statement is handed out as a fresh one
 * would be: not in raw mode (drizzle switches raw on itself for the queries that want arrays), and never while it
 * is being iterated (then a new one is prepared for that call). SQLite recompiles a kept statement itself after
 * a schema change.
 */
export function cachedStatements(sqlite: Database.Database): Pick<Database.Database, 'prepare' | 'transaction'> {
  const kept = new Map<string, Database.Statement>();
  return {
    prepare(source: string) {
      const hit = kept.get(source);
      if (hit && !hit.busy) {
        kept.delete(source);
        kept.set(source, hit);
        if (hit.reader) hit.raw(false);
        return hit;
      }
      const statement = sqlite.prepare(source);
      if (!hit) {
        kept.set(source, statement);
        if (kept.size > STATEMENT_CACHE_SIZE) kept.delete(kept.keys().next().value!);
      }
      return statement;
    },
    transaction: (fn) => sqlite.transaction(fn),
  } as Pick<Database.Database, 'prepare' | 'transaction'>;
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
    // A new database file is readable by the server's user only (it holds patient records and password hashes);
    // SQLite gives its -wal and -shm files the database file's permissions. An existing file keeps its own.
    if (!fs.existsSync(absolute)) fs.closeSync(fs.openSync(absolute, 'a', 0o600));
    sqlite = new Database(absolute, { timeout: BUSY_TIMEOUT_MS });
    sqlite.pragma('journal_mode = WAL');
    // FULL: every commit is on disk when it is acknowledged, a power cut included (docs/decisions/012-durability.md).
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const check: unknown = sqlite.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(typeof check === 'string' ? check : 'quick_check failed');
  } catch (error) {
    throw new DatabaseStartupError(
      `DATABASE_PATH ${filePath} is not a usable SQLite database (${(error as Error).message}). Restore it from a backup (npm run db:restore -- FILE) or point DATABASE_PATH elsewhere.`,
    );
  }

  try {
    probeWrite(sqlite, BUSY_TIMEOUT_MS);
  } catch (error) {
    sqlite.close();
    const code = (error as { code?: string }).code ?? '';
    throw new DatabaseStartupError(
      code.startsWith('SQLITE_BUSY')
        ? `DATABASE_PATH ${filePath} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s (${code}). Run one server per database file and stop other writers (seed, restore).`
        : `DATABASE_PATH ${filePath} opens but cannot be written (${code || (error as Error).message}). Make the file and its folder writable by this process.`,
    );
  }
  const stat = fs.statSync(absolute);
  // The WAL exists from the connection's first read in WAL mode (quick_check above) until its last close.
  const wal = statOrNull(`${absolute}-wal`);
  identities.set(sqlite, { path: absolute, dev: stat.dev, ino: stat.ino, ...(wal ? { wal: { dev: wal.dev, ino: wal.ino } } : {}) });

  // drizzle prepares a better-sqlite3 statement for every query it runs; through cachedStatements it gets the one
  // it prepared last time for the same SQL text. `$client` stays the connection itself.
  const db: Db = drizzle({ client: cachedStatements(sqlite) as Database.Database, schema });
  db.$client = sqlite;
  // Every transaction on this connection opens BEGIN IMMEDIATE unless the caller asks otherwise (see the header).
  const deferredByDefault = db.transaction.bind(db);
  // A write transaction's outcome also tells /readyz whether the storage works (db/storage-state.ts).
  db.transaction = (fn, config) => {
    if (config?.behavior === 'deferred') return deferredByDefault(fn, config);
    assertOpenedFileInPlace(sqlite);
    try {
      const result = deferredByDefault(fn, { behavior: 'immediate', ...config });
      noteStorageOk();
      return result;
    } catch (error) {
      noteStorageFailure(error);
      throw error;
    }
  };
  if (options.migrate !== false) applyMigrations(db, filePath);
  rememberIdentity(sqlite);
  return db;
}

/**
 * Records the file's identity row for openedFileChange. A PASSIVE checkpoint (never waits) moves a newly
 * written identity row from the write-ahead log into the file itself, where a read-only connection finds it
 * even after a foreign file was copied over this one. A database without the table (opened unmigrated by a
 * script) is checked by device and inode only.
 */
function rememberIdentity(sqlite: Database.Database): void {
  const opened = identities.get(sqlite);
  if (!opened) return;
  const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'database_identity'").get();
  if (!hasTable) return;
  const row = sqlite.prepare('select identity from database_identity where id = 1').get() as { identity: string } | undefined;
  if (!row) return;
  sqlite.pragma('wal_checkpoint(PASSIVE)');
  opened.identity = row.identity;
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
  try {
    migrate(db, { migrationsFolder });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_')) throw error;
    throw new DatabaseStartupError(
      `Applying migrations to ${label} failed (${code}: ${(error as Error).message}). Nothing was changed; start again once no other process writes the file.`,
    );
  }
}

/** The newest migration this version knows against the newest applied one: equal when the schema is current. */
export function migrationStatus(db: Db): { applied: number; expected: number; current: boolean } {
  const known = knownMigrations();
  const expected = Math.max(0, ...known.map((m) => m.when));
  const row = db.$client
    .prepare('select count(*) as n, max(created_at) as newest from __drizzle_migrations')
    .get() as {
    n: number;
    newest: number | null;
  };
  return {
    applied: row.n,
    expected: known.length,
    current: Number(row.newest ?? 0) === expected && row.n >= known.length,
  };
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
