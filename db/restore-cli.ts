/** `npm run db:restore -- FILE`: replaces DATABASE_PATH with a checked backup. Stop the app first. */
import { restoreDatabase } from './backup';

const backup = process.argv[2];
const target = process.env.DATABASE_PATH ?? 'data/clinic.db';
if (!backup) {
  console.error('Usage: npm run db:restore -- FILE   (stop the app first; DATABASE_PATH is replaced)');
  process.exit(2);
}
try {
  restoreDatabase(backup, target);
  console.log(`Restored ${target} from ${backup}. Start the app again.`);
} catch (error) {
  console.error(`Restore failed, nothing was changed: ${(error as Error).message}`);
  process.exit(1);
}
