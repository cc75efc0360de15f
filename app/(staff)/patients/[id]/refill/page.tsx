import Link from 'next/link';
import { refillFormContext } from '@/db/queries/refills';
import { requirePageStaff } from '@/lib/auth/session';
import { formatInstant, formatLocalDate } from '@/lib/format';
import { requestNow } from '@/lib/clock';
import { loadPumpPage } from '../_components/pump-page';
import { can } from '@/lib/auth/permissions';
import { draftKey } from '@/app/(staff)/_components/draft-storage';
import { RefillForm } from './_components/refill-form';

export const metadata = { title: 'Record refill' };

type Params = Promise<{ id: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function RefillPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { id } = await params;
  const query = await searchParams;
  const staff = await requirePageStaff('refills:write', `/patients/${id}/refill`);
  const now = requestNow();
  const loaded = loadPumpPage('Record refill', id, query.pump, staff, `/patients/${id}/refill`, (db, clinicId, pumpId) =>
    refillFormContext(db, clinicId, pumpId, now, staff.id),
  );
  if ('page' in loaded) return loaded.page;
  const { context } = loaded;

  return (
    <div className="stack rf-page">
      <div className="page-head">
        <p className="muted small">
          <Link href="/">Worklist</Link> /{' '}
          <Link href={`/patients/${context.patient.id}`}>{context.patient.name}</Link> / Record refill
        </p>
        <h1>Record refill: {context.patient.name}</h1>
        <p className="muted">
          MRN {context.patient.mrn} · {context.pump.label}, serial {context.pump.serial} · last fill{' '}
          {formatInstant(context.lastVisitAt, context.timeZone)} · refill due{' '}
          {formatLocalDate(context.currentDueOn)}
        </p>
        {context.patient.highRisk && (
          <p className="notice danger">
            High-risk patient (boxed warning list): check for withdrawal signs before and after the refill.
          </p>
        )}
      </div>
      <RefillForm context={context} mayChangeDose={can(staff.role, 'programs:write')} draftStorageKey={draftKey('refill', staff.id, context.pump.id)} />
    </div>
  );
}
