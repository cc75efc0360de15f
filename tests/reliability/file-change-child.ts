/**
 * A server's start-up (db/startup.ts) followed by what keeps a real server checking its file: a /readyz poll
 * every 50 ms (the same checkReadiness the route calls). Before it prints STARTED it commits one clinic, which
 * stays in the write-ahead log (no checkpoint yet). Used by file-change-exit.test.ts.
 */
import { getDb } from '../../db/runtime';
import { writeTransaction } from '../../db/client';
import { createClinic } from '../../db/factories';
import { startup } from '../../db/startup';
import { checkReadiness } from '../../lib/http/readiness';

await startup();
const db = getDb();
writeTransaction(db, (tx) => createClinic(tx, { name: 'Written before the change', timeZone: 'UTC' }));
console.log('STARTED');
setInterval(() => {
  checkReadiness(getDb, { databasePath: process.env.DATABASE_PATH!, minFreeMb: 0, maxBackupAgeHours: 0, now: Date.now() });
}, 50);
