/**
 * Backups and restore (docs/operations.md is the runbook).
 *
 * A backup is a consistent copy made with SQLite's online backup API while the app runs, written under a
 * temporary name (`….db.partial`), checked (`PRAGMA integrity_check`, and its migrations are a prefix of this
 * version's), flushed to disk and only then renamed to its final name `clinic-<UTC time>.db`. A file under a
 * final name is therefore always complete and verified; a backup killed mid-way leaves only a `.partial`, which
 * the next scheduled backup removes. A backup is a single self-contained file (rollback journal, no -wal).
 *
 * A restore refuses while a server holds the database (the server's lock on `${DATABASE_PATH}.lock`, db/server-lock.ts),
 * verifies the backup before touching anything, keeps the replaced file aside as
 * `${DATABASE_PATH}.replaced-<UTC time>` (with its -wal, under the matching name) and never leaves the old
 * file's -wal/-shm beside the restored one.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrationsFolder } from './client';
import { acquireServerLock, lockPathFor, type ServerLock } from './server-lock';
import { clockNow } from '../lib/clock';

export const BACKUP_PREFIX = 'clinic-';
const BACKUP_NAME = /^clinic-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.db$/;
const PARTIAL_SUFFIX = '.partial';

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupLocation {
  DATABASE_PATH: string;
  BACKUP_DIR?: string | undefined;
}

/** BACKUP_DIR, or (unset) a `backups` folder beside the database: the same disk, which the runbook warns about. */
export function backupDirectory(config: BackupLocation): string {
  return path.resolve(config.BACKUP_DIR ?? path.join(path.dirname(config.DATABASE_PATH), 'backups'));
}

/** `clinic-2026-12-02T21-00-00-000Z.db`: sorts by time, and says when the backup was taken. */
export function backupFileName(at: number): string {
  return `${BACKUP_PREFIX}${new Date(at).toISOString().replace(/[:.]/g, '-')}.db`;
}

export function parseBackupFileName(name: string): number | null {
  const m = BACKUP_NAME.exec(name);
  if (!m) return null;
  const at = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isNaN(at) ? null : at;
}

export interface BackupFile {
  file: string;
  at: number;
}

/** The complete, verified backups in `dir` (final names only), newest first. A missing folder has none. */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const backups: BackupFile[] = [];
  for (const name of names) {
    const at = parseBackupFileName(name);
    if (at !== null) backups.push({ file: path.join(dir, name), at });
  }
  return backups.sort((a, b) => b.at - a.at);
}

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

function knownMigrations(): JournalEntry[] {
  const journal = JSON.parse(
    fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
  ) as {
    entries: JournalEntry[];
  };
  return [...journal.entries].sort((a, b) => a.idx - b.idx);
}

/**
 * Checks an open database file: integrity_check passes and the migrations it records are a prefix of this
 * version's (db/migrations/meta/_journal.json): same migrations, in order, none unknown. A backup from an older
 * version is accepted (start-up migrates it); one from a newer version, or another app's file, is refused.
 */
function checkDatabase(sqlite: Database.Database, label: string): { migrations: number } {
  let result: unknown;
  try {
    result = sqlite.pragma('integrity_check', { simple: true });
  } catch (error) {
    throw new BackupError(`${label} is not a readable SQLite database (${(error as Error).message}).`);
  }
  if (result !== 'ok') throw new BackupError(`${label} failed PRAGMA integrity_check: ${String(result)}`);
  const hasTable = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!hasTable) throw new BackupError(`${label} is not a database of this app (it has no migration table).`);
  const applied = (
    sqlite
      .prepare('select created_at as createdAt from __drizzle_migrations order by created_at, id')
      .all() as {
      createdAt: number | string;
    }[]
  ).map((m) => Number(m.createdAt));
  if (applied.length === 0)
    throw new BackupError(`${label} has no migration applied: it holds no data of this app.`);
  const known = knownMigrations();
  if (applied.length > known.length) {
    throw new BackupError(
      `${label} was written by a newer version of this app (${applied.length} migrations, this version knows ${known.length}). Upgrade the app first.`,
    );
  }
  applied.forEach((when, i) => {
    if (when !== known[i]!.when) {
      throw new BackupError(
        `${label} does not match this version's migrations: its migration ${i + 1} (created ${when}) is not ${known[i]!.tag} (created ${known[i]!.when}). Use a backup made by this app.`,
      );
    }
  });
  return { migrations: applied.length };
}

/** Verifies a database file (see checkDatabase) without changing it. */
export function verifyDatabaseFile(file: string): { migrations: number } {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist.`);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${file} cannot be opened as a SQLite database (${(error as Error).message}).`);
  }
  try {
    return checkDatabase(sqlite, file);
  } finally {
    sqlite.close();
  }
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename durable. Some file systems refuse to fsync a directory; the rename itself has happened. */
function fsyncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/**
 * A backup copy is a file of its own (db/schema.ts databaseIdentity): a backup copied over the live database
 * while the server runs is then noticed like any other foreign file (db/client.ts openedFileChange).
 */
function giveOwnIdentity(copy: Database.Database): void {
  const hasTable = copy.prepare("select 1 from sqlite_master where type = 'table' and name = 'database_identity'").get();
  if (hasTable) copy.prepare('update database_identity set identity = lower(hex(randomblob(16))) where id = 1').run();
}

/**
 * Copies the database behind `source` (any open connection: the server's own, or a read-only one) to
 * `destination`: temporary name, self-contained (journal_mode=DELETE), integrity_check and migrations checked,
 * fsync, rename. On any failure the temporary file is removed and nothing appears under `destination`.
 */
export async function writeVerifiedBackup(
  source: Database.Database,
  destination: string,
): Promise<{ file: string; bytes: number }> {
  const dir = path.dirname(path.resolve(destination));
  fs.mkdirSync(dir, { recursive: true });
  const partial = destination + PARTIAL_SUFFIX;
  fs.rmSync(partial, { force: true });
  try {
    await source.backup(partial);
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      giveOwnIdentity(copy);
      checkDatabase(copy, `The backup copy ${partial}`);
    } finally {
      copy.close();
    }
    fsyncFile(partial);
    fs.renameSync(partial, destination);
    fsyncDirectory(dir);
  } catch (error) {
    for (const f of [partial, `${partial}-journal`, `${partial}-wal`, `${partial}-shm`])
      fs.rmSync(f, { force: true });
    throw error;
  }
  return { file: destination, bytes: fs.statSync(destination).size };
}

/** `npm run db:backup`: a consistent copy of the database file at `source`, safe while the app runs. */
export async function backupDatabase(
  source: string,
  destination: string,
): Promise<{ file: string; bytes: number }> {
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    return await writeVerifiedBackup(db, destination);
  } finally {
    db.close();
  }
}

export interface RetentionPolicy {
  hourly: number;
  daily: number;
  monthly: number;
}

/** 48 hourly, 30 daily, 12 monthly backups (UTC hours, days and months). */
export const DEFAULT_RETENTION: RetentionPolicy = { hourly: 48, daily: 30, monthly: 12 };

/**
 * Which backups to keep: the newest of each of the last `hourly` hours that have a backup, of the last `daily`
 * days and of the last `monthly` months (the grandfather-father-son scheme of restic's --keep-hourly/daily/
 * monthly), and always the newest backup. Returns the kept times.
 */
export function backupsToKeep(times: number[], policy: RetentionPolicy = DEFAULT_RETENTION): Set<number> {
  const newestFirst = [...times].sort((a, b) => b - a);
  const keep = new Set<number>(newestFirst.slice(0, 1));
  const buckets: [number, (at: number) => string][] = [
    [policy.hourly, (at) => new Date(at).toISOString().slice(0, 13)],
    [policy.daily, (at) => new Date(at).toISOString().slice(0, 10)],
    [policy.monthly, (at) => new Date(at).toISOString().slice(0, 7)],
  ];
  for (const [limit, bucketOf] of buckets) {
    const seen = new Set<string>();
    for (const at of newestFirst) {
      if (seen.size >= limit) break;
      const bucket = bucketOf(at);
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      keep.add(at);
    }
  }
  return keep;
}

/** Deletes the backups the retention policy drops, and `.partial` files left by a backup killed over an hour ago. */
export function pruneBackups(
  dir: string,
  now: number,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): string[] {
  const backups = listBackups(dir);
  const keep = backupsToKeep(
    backups.map((b) => b.at),
    policy,
  );
  const removed: string[] = [];
  for (const b of backups) {
    if (keep.has(b.at)) continue;
    fs.rmSync(b.file, { force: true });
    removed.push(b.file);
  }
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(BACKUP_PREFIX) || !name.includes(PARTIAL_SUFFIX)) continue;
    const file = path.join(dir, name);
    if (now - fs.statSync(file).mtimeMs > 3_600_000) {
      fs.rmSync(file, { force: true });
      removed.push(file);
    }
  }
  return removed;
}

/**
 * Takes the server's lock on the database (db/server-lock.ts) for the length of a restore, or explains that a
 * server holds it. The lock is the kernel's, released with its process however it ended: there is no stale lock.
 */
export function lockForRestore(database: string): ServerLock {
  try {
    return acquireServerLock(database);
  } catch (error) {
    const message = (error as Error).message;
    throw new BackupError(
      /Another server process/.test(message)
        ? `a server holds ${database} (its lock ${lockPathFor(database)} is taken): stop it first (systemctl stop pump-refill-scheduler)`
        : message,
    );
  }
}

export interface RestoreResult {
  /** Where the replaced database was kept, or null when there was none. */
  replaced: string | null;
  migrations: number;
}

/**
 * Replaces the database at `target` with `backup`. Refuses while a server holds the database; creates the
 * folder; verifies the backup before anything is replaced; keeps the replaced file (and its -wal) aside.
 */
export function restoreDatabase(backup: string, target: string, now: number = clockNow()): RestoreResult {
  // Held until the restore ends, so a server cannot start on a half-restored file either.
  const lock = lockForRestore(target);
  try {
    return restoreLocked(backup, target, now);
  } finally {
    lock.release();
  }
}

function restoreLocked(backup: string, target: string, now: number): RestoreResult {
  const { migrations } = verifyDatabaseFile(backup);
  const dir = path.dirname(path.resolve(target));
  fs.mkdirSync(dir, { recursive: true });

  const restoring = `${target}.restoring`;
  fs.rmSync(restoring, { force: true });
  fs.copyFileSync(backup, restoring);
  try {
    verifyDatabaseFile(restoring);
    fsyncFile(restoring);
  } catch (error) {
    fs.rmSync(restoring, { force: true });
    throw error;
  }

  let replaced: string | null = null;
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  if (fs.existsSync(target)) {
    replaced = `${target}.replaced-${stamp}`;
    try {
      fs.linkSync(target, replaced); // the live name stays in place until the rename below
    } catch {
      fs.copyFileSync(target, replaced);
    }
  }
  // A stale -wal (or hot -journal) beside the restored file would be replayed into it: move it to the replaced
  // copy's matching name, where SQLite replays it when that copy is opened (nothing of the old file is lost, and
  // nothing here opens the old file, which may be damaged). The -shm is only an index of the -wal, rebuilt.
  for (const suffix of ['-wal', '-journal']) {
    if (!fs.existsSync(target + suffix)) continue;
    if (fs.statSync(target + suffix).size === 0) {
      fs.rmSync(target + suffix); // empty: nothing to keep
      continue;
    }
    replaced ??= `${target}.replaced-${stamp}`;
    fs.renameSync(target + suffix, replaced + suffix);
  }
  fs.rmSync(`${target}-shm`, { force: true });
  fs.renameSync(restoring, target);
  fsyncDirectory(dir);
  return { replaced, migrations };
}
