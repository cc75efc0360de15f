/**
 * The age of the newest backup, for /readyz and the admins. Read from BACKUP_DIR itself (not from memory), so
 * it also counts `npm run db:backup` and is right in every module instance of the server: only complete,
 * verified backups carry a final name (db/backup.ts), so the newest such name is the newest verified backup.
 */
import { env } from '../lib/env';
import { backupDirectory, listBackups, type BackupLocation } from './backup';

/** When the newest verified backup in BACKUP_DIR was taken (ms since the epoch), or null when there is none. */
export function lastBackupAt(config: BackupLocation = env()): number | null {
  try {
    return listBackups(backupDirectory(config))[0]?.at ?? null;
  } catch {
    return null;
  }
}

export interface BackupAgeConfig {
  /** ms between scheduled backups, or null when they are off. */
  BACKUP_INTERVAL: number | null;
  READY_MAX_BACKUP_AGE_HOURS: number;
}

export interface BackupAge {
  lastBackupAt: number | null;
  ageMs: number | null;
  /** The age past which the last backup is late, or null when nothing is expected (scheduled backups off). */
  expectedWithinMs: number | null;
  /** ok; late: older than expected; none: no backup at all; off: scheduled backups are off. */
  state: 'ok' | 'late' | 'none' | 'off';
}

/** Slack for a backup in progress on the interval boundary (a large clinic's copy takes seconds to minutes). */
const BACKUP_SLACK_MS = 10 * 60_000;

/**
 * Whether the last backup is as recent as the configuration promises: READY_MAX_BACKUP_AGE_HOURS when set (the
 * same limit /readyz applies), else two backup intervals (one missed backup is late), plus a little slack.
 */
export function assessBackupAge(lastBackupAt: number | null, now: number, config: BackupAgeConfig): BackupAge {
  const ageMs = lastBackupAt == null ? null : Math.max(0, now - lastBackupAt);
  const expectedWithinMs =
    config.READY_MAX_BACKUP_AGE_HOURS > 0
      ? config.READY_MAX_BACKUP_AGE_HOURS * 3_600_000
      : config.BACKUP_INTERVAL != null
        ? 2 * config.BACKUP_INTERVAL + BACKUP_SLACK_MS
        : null;
  const state =
    ageMs == null
      ? 'none'
      : expectedWithinMs != null && ageMs > expectedWithinMs
        ? 'late'
        : config.BACKUP_INTERVAL == null
          ? 'off'
          : 'ok';
  return { lastBackupAt, ageMs, expectedWithinMs, state };
}
