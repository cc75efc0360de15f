/**
 * `npm run db:restore -- FILE|latest`: replaces DATABASE_PATH with a verified backup (`latest`: the newest in
 * BACKUP_DIR). Refuses while the server runs; the replaced file is kept aside (docs/operations.md).
 */
import { ConfigError, parseEnv } from '../lib/env';
import { BackupError, backupDirectory, listBackups, restoreDatabase } from './backup';

const arg = process.argv[2];
if (!arg) {
  console.error(
    'Usage: npm run db:restore -- FILE|latest   (stop the server first; DATABASE_PATH is replaced)',
  );
  process.exit(2);
}
try {
  const config = parseEnv(process.env);
  let backup = arg;
  if (arg === 'latest') {
    const dir = backupDirectory(config);
    const newest = listBackups(dir)[0];
    if (!newest) throw new BackupError(`no backup in ${dir} (set BACKUP_DIR to the folder that holds them).`);
    backup = newest.file;
  }
  const { replaced } = restoreDatabase(backup, config.DATABASE_PATH);
  console.log(`Restored ${config.DATABASE_PATH} from ${backup} (integrity and migrations checked).`);
  if (replaced) console.log(`The replaced database is kept as ${replaced}.`);
  console.log('Start the server again.');
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof BackupError)
    console.error(`Restore refused, nothing was changed: ${error.message}`);
  else console.error(`Restore failed: ${(error as Error).message}`);
  process.exit(1);
}
