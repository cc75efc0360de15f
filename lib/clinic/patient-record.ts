/**
 * A patient's whole record printed for a transfer to another clinic (issue 17, item 3): the page
 * /patients/{id}/record, printed to PDF by the browser. The record leaves the clinic on paper, so opening it is
 * audited as an export ('export', entity 'patient-record'), written in the same transaction as the read so that
 * the audit row and the printed record describe the same moment. The page's ordinary read audit ('view') is
 * written as for any other page that shows the record (db/audit-read.ts).
 */
import { writeTransaction, type Db } from '@/db/client';
import { audit } from '@/db/queries/audit';
import { patientDetail, type PatientDetail } from '@/db/queries/patients';
import type { ClinicActor } from './actor';

export function exportPatientRecord(db: Db, actor: ClinicActor, patientId: number, now: number): PatientDetail {
  return writeTransaction(db, () => {
    // patientDetail throws NotFoundError for a patient of another clinic: nothing is audited as exported then.
    const detail = patientDetail(db, actor.clinicId, patientId, now);
    audit(db, actor, 'export', 'patient-record', patientId, null, {
      format: 'print',
      pumpIds: detail.pumps.map((p) => p.id),
    });
    return detail;
  });
}
