import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactElement } from 'react';
import { getDb, type Db } from '@/db';
import { recordRead } from '@/db/audit-read';
import type { Actor } from '@/db/queries/audit';
import { pagePumpId } from '@/db/queries/refills';
import { parseId } from '@/lib/validation/ids';
import { NotFoundError, ValidationError } from '@/lib/errors';

/**
 * Loads the context of a page about one of a patient's pumps (record a refill, change the program): the pump is
 * resolved from the path's patient id and the `pump` query parameter, scoped to the staff member's clinic.
 * Unknown ids answer 404; a patient without an active pump (a ValidationError) gets a page saying so. A page
 * shown is a read of the patient's record, audited here (one row per request) so no pump page can forget it.
 */
export function loadPumpPage<T>(
  title: string,
  patientParam: string,
  pumpParam: string | string[] | undefined,
  staff: Actor,
  page: string,
  load: (db: Db, clinicId: number, pumpId: number) => T,
): { context: T } | { page: ReactElement } {
  const db = getDb();
  try {
    const pumpId = pagePumpId(db, staff.clinicId, patientParam, pumpParam);
    const context = load(db, staff.clinicId, pumpId);
    recordRead(db, staff, { resource: 'pump-page', entityId: pumpId, patientIds: [parseId(patientParam, 'patient')], detail: { page } });
    return { context };
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof ValidationError)
      return {
        page: (
          <div className="stack">
            <h1>{title}</h1>
            <p className="notice danger">{error.message}</p>
            <Link prefetch={false} href={`/patients/${patientParam}`}>Back to the patient</Link>
          </div>
        ),
      };
    throw error;
  }
}
