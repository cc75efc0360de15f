import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { headers } from 'next/headers';
import Link from 'next/link';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { physiciansOf } from '@/db/queries/clinics';
import { worklistFor } from '@/db/queries/front-desk';
import { listWorklist } from '@/db/queries/worklist';
import { can } from '@/lib/auth/permissions';
import { isPhoneRequest, PHONE_WORKLIST_PAGE_SIZE, phoneWorklistPageSize } from '@/lib/http/phone';
import { requirePageStaff } from '@/lib/auth/session';
import { requestNow } from '@/lib/clock';
import { formatLocalDate, worklistTierLabels } from '@/lib/format';
import { makeQueryClient } from '@/lib/query/client';
import { worklistQuery } from '@/lib/query/worklist';
import { worklistQueryFor, type WorklistQuery } from '@/lib/validation/worklist';
import { fieldErrors } from '@/lib/validation/errors';
import { WorklistCounts, WorklistTable } from './_components/worklist';
import { DateField } from './_components/date-time-inputs';

export const metadata = { title: 'Worklist' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function WorklistPage({ searchParams }: { searchParams: SearchParams }) {
  const staff = await requirePageStaff('patients:read', '/');
  const params = await searchParams;
  const parsed = worklistQueryFor(params, staff);
  const asked = parsed.success ? parsed.data : {};
  const db = getDb();
  const now = requestNow();
  // The front desk's rows carry no volume and only the scheduling alerts (db/queries/front-desk.ts).
  const list = (f: WorklistQuery) => worklistFor(staff.role, listWorklist(db, staff.clinicId, { ...f, viewerId: staff.id }, now));
  // A shorter page on a phone unless the URL sets one (lib/http/phone.ts), never cutting the empty and critical
  // pumps off the first page; the pager and the counts show the rest.
  let filter: WorklistQuery = asked;
  if (asked.pageSize === undefined && isPhoneRequest(await headers())) filter = { ...asked, pageSize: PHONE_WORKLIST_PAGE_SIZE };
  let data = list(filter);
  if (filter !== asked && (asked.page ?? 1) === 1 && phoneWorklistPageSize(data.counts) > PHONE_WORKLIST_PAGE_SIZE) {
    filter = { ...asked, pageSize: phoneWorklistPageSize(data.counts) };
    data = list(filter);
  }
  recordRead(db, staff, { resource: 'worklist', patientIds: data.rows.map((r) => r.patientId), detail: { page: 'worklist', filter } });
  const physicians = physiciansOf(db, staff.clinicId);
  // The page as GET /api/v1/worklist answers it: the counts and the table read it from the query cache.
  const queryClient = makeQueryClient();
  await queryClient.prefetchQuery({ ...worklistQuery(filter), queryFn: () => data });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <div className="page-head wl-head">
        <h1>Refill worklist</h1>
        <details className="wl-help">
          <summary>
            Today is {formatLocalDate(data.today)} ({data.timeZone}). Most urgent first.
          </summary>
          Ranked by risk: empty, then critical (past the alarm date or a critical alert), overdue or a high alert, due
          soon or a warning; within each, the worst open alert first; then no appointment, appointment after the due
          date; then by due date. Open a row’s alert for the full text.
        </details>
      </div>

      <div className="wl-bar">
      <nav className="wl-views" aria-label="Worklist views">
        <Link prefetch={false} href="/" aria-current={!filter.view ? 'page' : undefined}>
          All pumps
        </Link>
        <Link prefetch={false} href="/?view=today" aria-current={filter.view === 'today' ? 'page' : undefined}>
          Today: appointments and overdue
        </Link>
        {staff.role === 'physician' && (
          <Link prefetch={false} href="/?view=mine" aria-current={filter.view === 'mine' ? 'page' : undefined}>
            My patients
          </Link>
        )}
      </nav>

      <WorklistCounts filter={filter} />
      <span className="wl-actions">
        <a className="button secondary small" href={`/api/v1/worklist/export?${exportQuery(filter)}`} download>
          Download CSV
        </a>
        {can(staff.role, 'clinical:read') && (
          <Link prefetch={false} className="button secondary small" href="/day-sheet">
            Today’s day sheet
          </Link>
        )}
      </span>
      </div>

      {/* Keyed by the filter so that "Clear" (a client navigation) resets what was typed, not only the defaults. */}
      <form key={JSON.stringify(filter)} className="filters wl-filters" method="get" action="/" role="search" aria-label="Filter the worklist">
        {filter.view && <input type="hidden" name="view" value={filter.view} />}
        {asked.pageSize !== undefined && <input type="hidden" name="pageSize" value={asked.pageSize} />}
        <label>
          Search name or MRN
          <input name="q" type="search" defaultValue={filter.q ?? ''} maxLength={100} />
        </label>
        <label>
          Status
          <select name="status" defaultValue={filter.status ?? ''}>
            <option value="">Any</option>
            {(Object.keys(worklistTierLabels) as (keyof typeof worklistTierLabels)[]).map((st) => (
              <option key={st} value={st}>
                {worklistTierLabels[st]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Physician
          <select name="physicianId" defaultValue={filter.physicianId ?? ''}>
            <option value="">Any</option>
            {physicians.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <DateField label="Due from" name="dueFrom" defaultValue={filter.dueFrom ?? ''} />
        <DateField label="Due to" name="dueTo" defaultValue={filter.dueTo ?? ''} />
        <button type="submit">Apply</button>
        <Link prefetch={false} href={filter.view ? `/?view=${filter.view}` : '/'} className="button secondary">
          Clear
        </Link>
      </form>
      {!parsed.success && (
        <p role="alert" className="error">
          Some filters were ignored: {Object.entries(fieldErrors(parsed.error)).map(([k, v]) => `${k} ${v}`).join('; ')}
        </p>
      )}

      <WorklistTable filter={filter} />
    </HydrationBoundary>
  );
}

/** The filter as the CSV export's query string (every row the filter selects: no page). */
function exportQuery(filter: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== '' && k !== 'page' && k !== 'pageSize') qs.set(k, String(v));
  return qs.toString();
}
