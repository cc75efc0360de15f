/**
 * Scheduled backups from the server process (docs/operations.md). Every BACKUP_INTERVAL (default 1h), aligned to
 * the clock (hourly: on the hour, UTC), the server copies its own database into BACKUP_DIR through its own
 * connection (SQLite's online backup API: writes made meanwhile by that connection are carried into the copy),
 * verifies it, renames it into place and applies the retention policy (48 hourly, 30 daily, 12 monthly).
 *
 * The copy runs in steps between requests; the check of the copy (integrity_check) is synchronous: about 0.1 s
 * of the event loop for a 21 MB database of 10,000 patients (npm run db:seed), once an hour.
 *
 * A plain timer rather than a cron library: an interval aligned to the clock is all a backup needs, retention
 * works on the backups' own times whatever the schedule, and it adds no dependency to the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './client';
import { backupDirectory, backupFileName, listBackups, pruneBackups, writeVerifiedBackup } from './backup';
import { clockNow } from '../lib/clock';

export interface BackupScheduleConfig {
  DATABASE_PATH: string;
  BACKUP_DIR?: string | undefined;
  /** ms between backups, or null when scheduled backups are off (lib/env.ts parses BACKUP_INTERVAL). */
  BACKUP_INTERVAL: number | null;
}

export interface BackupTickResult {
  file: string;
  bytes: number;
  at: number;
  removed: string[];
}

/** One scheduled backup: copy, verify, rename into place, then prune by the retention policy. */
export async function backupTick(
  db: Db,
  config: BackupScheduleConfig,
  now: number = clockNow(),
): Promise<BackupTickResult> {
  const dir = backupDirectory(config);
  const { file, bytes } = await writeVerifiedBackup(db.$client, path.join(dir, backupFileName(now)));
  const removed = pruneBackups(dir, now);
  return { file, bytes, at: now, removed };
}

/** The next multiple of `intervalMs` after `now` (since the Unix epoch, so hourly backups land on the hour). */
export function nextBackupAt(now: number, intervalMs: number): number {
  return (Math.floor(now / intervalMs) + 1) * intervalMs;
}

/** True when `dir` is on the same device as the database's folder (a lost disk would take both). */
export function sameDisk(dir: string, databasePath: string): boolean {
  try {
    return fs.statSync(dir).dev === fs.statSync(path.dirname(path.resolve(databasePath))).dev;
  } catch {
    return false;
  }
}

/**
 * Starts the schedule: a first backup soon after start when the newest one is older than the interval (or
 * there is none), then one at every interval boundary. A failed backup is logged loudly and retried at the next
 * boundary; its age shows in /readyz (db/backup-status.ts). Returns a function that stops the schedule.
 */
export function startBackupSchedule(db: Db, config: BackupScheduleConfig): () => void {
  const interval = config.BACKUP_INTERVAL;
  if (interval === null) {
    console.warn(
      '\nScheduled backups are OFF (BACKUP_INTERVAL=off). Make sure something else backs up the database.\n',
    );
    return () => {};
  }
  const dir = backupDirectory(config);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    console.error(
      `\nBACKUP_DIR ${dir} cannot be created (${(error as Error).message}); scheduled backups will fail.\n`,
    );
  }
  if (sameDisk(dir, config.DATABASE_PATH)) {
    console.warn(
      `\nWARNING: backups go to ${dir}, on the same disk as the database. A lost disk loses both: set BACKUP_DIR to another disk or mount and copy backups off the machine (docs/operations.md).\n`,
    );
  }

  let stopped = false;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    if (stopped || running) return;
    running = true;
    try {
      const result = await backupTick(db, config);
      console.log(
        `Backup written: ${result.file} (${(result.bytes / 1024 / 1024).toFixed(1)} MiB, integrity ok)`,
      );
    } catch (error) {
      console.error(`\nSCHEDULED BACKUP FAILED (${dir}): ${(error as Error).message}\n`);
    } finally {
      running = false;
    }
  };
  const schedule = () => {
    if (stopped) return;
    const now = clockNow();
    timer = setTimeout(
      () => {
        void run().finally(schedule);
      },
      nextBackupAt(now, interval) - now,
    );
    timer.unref();
  };

  let newest: number | undefined;
  try {
    newest = listBackups(dir)[0]?.at;
  } catch {
    newest = undefined;
  }
  // A first backup 5 s after start when the newest is older than one interval (or there is none).
  const first =
    newest === undefined || clockNow() - newest >= interval ? setTimeout(() => void run(), 5_000) : undefined;
  first?.unref();
  schedule();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearTimeout(timer);
  };
}
