/**
 * When the last good backup of the database finished, for /readyz. Placeholder until the backup scheduler
 * records it (owned by the backups work): null means "no backup recorded by this process".
 */
export function lastBackupAt(): number | null {
  return null;
}
