/**
 * `npm run db:backup [-- FILE]`: a consistent, verified copy of DATABASE_PATH, safe while the app runs. Without
 * FILE it goes into BACKUP_DIR under the scheduled backups' naming (so it counts for /readyz and retention).
 */
import path from 'node:path';
import { ConfigError, parseEnv } from '../lib/env';
import { backupDatabase, backupDirectory, backupFileName } from './backup';

try {
  const config = parseEnv(process.env);
  const destination = process.argv[2] ?? path.join(backupDirectory(config), backupFileName(Date.now()));
  const { file, bytes } = await backupDatabase(config.DATABASE_PATH, destination);
  console.log(
    `Backed up ${config.DATABASE_PATH} to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MiB, integrity ok)`,
  );
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Backup failed: ${(error as Error).message}`);
  process.exit(1);
}
