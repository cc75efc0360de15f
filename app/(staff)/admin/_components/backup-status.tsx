/**
 * The last verified backup's age, for admins (issue 13, item 6), with a warning when it is older than the
 * configuration promises (db/backup-status.ts assessBackupAge): a clinic cannot watch a server, but an admin
 * opens this page.
 */
import { assessBackupAge, lastBackupAt } from '@/db/backup-status';
import { env } from '@/lib/env';
import { formatInstant } from '@/lib/format';

function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}

export function BackupStatus({ now, timeZone }: { now: number; timeZone: string }) {
  const config = env();
  const age = assessBackupAge(lastBackupAt(config), now, config);
  const last =
    age.lastBackupAt == null || age.ageMs == null
      ? 'none'
      : `${formatInstant(age.lastBackupAt, timeZone)} (${formatAge(age.ageMs)} ago)`;
  const warning =
    age.state === 'none'
      ? 'No backup of this database exists. Check that the server can write to BACKUP_DIR (docs/operations.md).'
      : age.state === 'late'
        ? `The last backup is older than expected (${formatAge(age.expectedWithinMs ?? 0)}). Check the server's log and BACKUP_DIR (docs/operations.md).`
        : age.state === 'off'
          ? 'Scheduled backups are off (BACKUP_INTERVAL=off): make sure something else backs up the database.'
          : null;
  return (
    <section aria-labelledby="backup-heading">
      <h2 id="backup-heading">Backups</h2>
      <p>
        Last verified backup: <strong>{last}</strong>
      </p>
      {warning && (
        <p className="notice warn" role="alert">
          {warning}
        </p>
      )}
    </section>
  );
}
