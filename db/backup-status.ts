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
