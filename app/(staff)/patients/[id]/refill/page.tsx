import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db';
import { pagePumpId, refillFormContext } from '@/db/queries/refills';
import { requirePageStaff } from '@/lib/auth/session';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { formatInstant, formatLocalDate } from '@/lib/format';
import { requestNow } from '@/lib/server/clock';
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
  const db = getDb();
  const now = requestNow();
  let context: ReturnType<typeof refillFormContext>;
  try {
    const pumpId = pagePumpId(db, staff.clinicId, id, query.pump);
    context = refillFormContext(db, staff.clinicId, pumpId, now);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof ValidationError)
      return (
        <div className="stack">
          <h1>Record refill</h1>
          <p className="notice danger">{error.message}</p>
          <Link href={`/patients/${id}`}>Back to the patient</Link>
        </div>
      );
    throw error;
  }

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
          {context.todaysAppointmentAt
            ? ` · today’s appointment at ${formatInstant(context.todaysAppointmentAt, context.timeZone)} will be marked done`
            : ''}
        </p>
        {context.patient.highRisk && (
          <p className="notice danger">
            High-risk patient (boxed warning list): check for withdrawal signs before and after the refill.
          </p>
        )}
      </div>
      <RefillForm context={context} />
    </div>
  );
}
