/** GET /readyz: 200 when this process can serve and store records, 503 naming the failing checks. Public, no PHI. */
import { getDb } from '@/db';
import { env } from '@/lib/env';
import { json } from '@/lib/http/api';
import { checkReadiness } from '@/lib/http/readiness';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

export function GET() {
  const config = env();
  const result = checkReadiness(getDb, {
    databasePath: config.DATABASE_PATH,
    minFreeMb: config.READY_MIN_FREE_MB,
    maxBackupAgeHours: config.READY_MAX_BACKUP_AGE_HOURS,
    now: requestNow(),
  });
  return json(result, { status: result.status === 'ready' ? 200 : 503 });
}
