import Link from 'next/link';
import { programFormContext } from '@/db/queries/programs';
import { requirePageStaff } from '@/lib/auth/session';
import { formatLocalDate } from '@/lib/format';
import { requestNow } from '@/lib/clock';
import { loadPumpPage } from '../_components/pump-page';
import { ProgramChange } from './_components/program-change';

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
  const loaded = loadPumpPage('Change program', id, query.pump, staff, `/patients/${id}/program`, (db, clinicId, pumpId) =>
    programFormContext(db, clinicId, pumpId, requestNow(), staff.id),
  );
  if ('page' in loaded) return loaded.page;
  const { context } = loaded;

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
      <ProgramChange context={context} />
    </div>
  );
}
