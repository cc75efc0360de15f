import { getDb } from '@/db';
import { clinicTimeZone as timeZoneOf } from '@/db/queries/clinics';
import { listStaffWithLocks } from '@/db/queries/staff';
import { requirePageStaff } from '@/lib/auth/session';
import { requestNow } from '@/lib/clock';
import { BackupStatus } from '../_components/backup-status';
import { StaffManager } from './_components/staff-manager';

export const metadata = { title: 'Staff' };

export default async function StaffPage() {
  const me = await requirePageStaff('staff:manage', '/admin/staff');
  const db = getDb();
  const clinicTimeZone = timeZoneOf(db, me.clinicId);
  const staff = listStaffWithLocks(db, me.clinicId, requestNow()).map((u) => ({ ...u, createdAt: u.createdAt.getTime(), updatedAt: u.updatedAt.getTime(), banned: !!u.banned }));
  return (
    <>
      <h1>Staff</h1>
      <p className="muted">
        Admins manage staff, clinic settings and the audit trail. Physicians change programs and do all a nurse does. Nurses record refills,
        book appointments, print cards and manage feeds. Front desk books appointments and reads the worklist; clinical data is read-only.
      </p>
      <StaffManager initial={staff} myId={me.id} />
      <BackupStatus now={requestNow()} timeZone={clinicTimeZone} />
    </>
  );
}
