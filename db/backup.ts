/**
 * Backups: a consistent copy while the app runs (SQLite's online backup API, which copies pages under a
 * read transaction), and a restore that checks the file before it replaces the live one.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export async function backupDatabase(source: string, destination: string): Promise<{ bytes: number }> {
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
  verifyDatabaseFile(destination);
  return { bytes: fs.statSync(destination).size };
}

export function verifyDatabaseFile(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const result: unknown = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`integrity_check failed for ${file}: ${String(result)}`);
    const hasMigrations = db.prepare("select 1 from sqlite_master where type='table' and name='__drizzle_migrations'").get();
    if (!hasMigrations) throw new Error(`${file} is not a database of this app (no migration table).`);
  } finally {
    db.close();
  }
}

/** Replaces the database at `target` with `backup`. Run with the app stopped. */
export function restoreDatabase(backup: string, target: string): void {
  verifyDatabaseFile(backup);
  const tmp = `${target}.restoring`;
  fs.copyFileSync(backup, tmp);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
  fs.renameSync(tmp, target);
}
