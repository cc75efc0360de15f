/** `npm run db:backup [-- FILE]`: a consistent copy of DATABASE_PATH, safe while the app runs. */
import path from 'node:path';
import { backupDatabase } from './backup';

const source = process.env.DATABASE_PATH ?? 'data/clinic.db';
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const destination = process.argv[2] ?? path.join(path.dirname(source), 'backups', `clinic-${stamp}.db`);
try {
  const { bytes } = await backupDatabase(source, destination);
  console.log(`Backed up ${source} to ${destination} (${(bytes / 1024 / 1024).toFixed(1)} MiB, integrity ok)`);
} catch (error) {
  console.error(`Backup failed: ${(error as Error).message}`);
  process.exit(1);
}
