import { getDb } from '@/db';
import { clinicTimeZone } from '@/db/queries/clinics';
import { newPatientOptions } from '@/db/queries/patient-lookup';
import { requirePageStaff } from '@/lib/auth/session';
import { localDateOf } from '@/lib/domain/calendar';
import { requestNow } from '@/lib/clock';
import { NewPatientForm } from './_components/new-patient-form';

export const metadata = { title: 'Add a patient' };

export default async function NewPatientPage() {
  const staff = await requirePageStaff('patients:write', '/patients/new');
  const db = getDb();
  const options = newPatientOptions(db, staff.clinicId);
  const timeZone = clinicTimeZone(db, staff.clinicId);
  return (
    <>
      <div className="page-head">
        <h1>Add a patient with their pump</h1>
        <p className="muted">
          The patient, the implanted pump, its first program and the initial fill are saved together: nothing
          is saved unless all of it is valid. Times are clinic time ({timeZone}).
        </p>
      </div>
      <NewPatientForm options={options} today={localDateOf(requestNow(), timeZone)} />
    </>
  );
}
