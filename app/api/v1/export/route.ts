import { getDb } from '@/db';
import { writeTransaction } from '@/db/client';
import { audit } from '@/db/queries/audit';
import { loadClinicExport } from '@/db/queries/clinic-export';
import { clinicZip } from '@/lib/export/clinic-zip';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

/** The whole clinic as a ZIP of CSV files (patients, pumps, programs, visits, appointments, audit) with a README. */
export const GET = api({ permission: 'clinic:export' }, async ({ staff }) => {
  const db = getDb();
  const now = requestNow();
  // The export is audited first, in one read of a consistent snapshot: the ZIP's audit.csv includes its own row.
  const data = writeTransaction(db, () => {
    audit(db, staff, 'export', 'clinic', staff.clinicId, null, { format: 'zip' });
    return loadClinicExport(db, staff.clinicId);
  });
  const zip = clinicZip(data.clinicName, new Date(now), data.tables);
  return new Response(Buffer.from(zip), {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="clinic-export-${new Date(now).toISOString().slice(0, 10)}.zip"`,
      'Cache-Control': 'no-store',
    },
  });
});
