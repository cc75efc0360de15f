import { getDb } from '@/db';
import { clinicBackupStream } from '@/db/clinic-backup';
import { audit } from '@/db/queries/audit';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

/** A verified SQLite backup of the database, when it holds only the caller's clinic (db/clinic-backup.ts). */
export const GET = api({ permission: 'clinic:export' }, async ({ staff }) => {
  const db = getDb();
  const now = requestNow();
  const { stream, bytes } = await clinicBackupStream(db, staff.clinicId);
  audit(db, staff, 'export', 'database-backup', staff.clinicId, null, { bytes });
  return new Response(stream, {
    headers: {
      'Content-Type': 'application/vnd.sqlite3',
      'Content-Length': String(bytes),
      'Content-Disposition': `attachment; filename="clinic-backup-${new Date(now).toISOString().replace(/[:.]/g, '-')}.db"`,
      'Cache-Control': 'no-store',
    },
  });
});
