import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db';
import { programFormContext } from '@/db/queries/programs';
import { pagePumpId } from '@/db/queries/refills';
import { requirePageStaff } from '@/lib/auth/session';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { formatLocalDate } from '@/lib/format';
import { requestNow } from '@/lib/server/clock';
import { ProgramForm } from './_components/program-form';

export const metadata = { title: 'Change program' };

type Params = Promise<{ id: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ProgramPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { id } = await params;
  const query = await searchParams;
  const staff = await requirePageStaff('programs:write', `/patients/${id}/program`);
  const db = getDb();
  let context: ReturnType<typeof programFormContext>;
  try {
    const pumpId = pagePumpId(db, staff.clinicId, id, query.pump);
    context = programFormContext(db, staff.clinicId, pumpId, requestNow());
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof ValidationError)
      return (
        <div className="stack">
          <h1>Change program</h1>
          <p className="notice danger">{error.message}</p>
          <Link href={`/patients/${id}`}>Back to the patient</Link>
        </div>
      );
    throw error;
  }

  return (
    <div className="stack">
      <div className="page-head">
        <p className="muted small">
          <Link href="/">Worklist</Link> /{' '}
          <Link href={`/patients/${context.patient.id}`}>{context.patient.name}</Link> / Change program
        </p>
        <h1>Change program: {context.patient.name}</h1>
        <p className="muted">
          MRN {context.patient.mrn} · {context.pump.label}, serial {context.pump.serial} · program version{' '}
          {context.program.versionNo} · refill due {formatLocalDate(context.current.refillDueOn)}
        </p>
      </div>
      {/* Keyed by version: after a conflict, "Reload" shows the other person's program rather than keeping the stale draft. */}
      <ProgramForm key={context.program.versionNo} context={context} />
    </div>
  );
}
