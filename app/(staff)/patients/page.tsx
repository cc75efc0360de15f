/**
 * Every patient of the clinic (issue 18, item 4), including those whose pump was explanted or never entered, who
 * are not on the worklist. Search by name, MRN or date of birth (YYYY-MM-DD); filter by pump status.
 */
import Link from 'next/link';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { listPatients } from '@/db/queries/patient-list';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff } from '@/lib/auth/session';
import { spasticityOriginLabels } from '@/lib/domain/vocabulary';
import { formatLocalDate } from '@/lib/format';
import { patientListQueryFrom, patientListQuerySchema, type PatientListQuery } from '@/lib/validation/patient-list';
import { fieldErrors } from '@/lib/validation/errors';

export const metadata = { title: 'Patients' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const statusOptions: Record<PatientListQuery['status'], string> = {
  all: 'All patients',
  active: 'With an active pump',
  explanted: 'Pump explanted, none active',
  'no-pump': 'No pump entered',
};

function pageHref(query: PatientListQuery, page: number): string {
  const qs = new URLSearchParams();
  if (query.q) qs.set('q', query.q);
  if (query.status !== 'all') qs.set('status', query.status);
  qs.set('page', String(page));
  return `/patients?${qs.toString()}`;
}

export default async function PatientsPage({ searchParams }: { searchParams: SearchParams }) {
  const staff = await requirePageStaff('patients:read', '/patients');
  const parsed = patientListQueryFrom(await searchParams);
  const query = parsed.success ? parsed.data : patientListQuerySchema.parse({});
  const db = getDb();
  const list = listPatients(db, staff.clinicId, query);
  // The origin of the spasticity is a diagnosis: not in the front desk's scheduling view (docs/security.md, Roles).
  const showOrigin = can(staff.role, 'clinical:read');
  recordRead(db, staff, { resource: 'patient-list', patientIds: list.rows.map((r) => r.id), detail: { q: query.q, status: query.status, page: query.page } });
  const last = Math.max(1, Math.ceil(list.total / list.pageSize));

  return (
    <>
      <div className="page-head">
        <h1>Patients</h1>
        <p className="muted">
          Every patient of the clinic, with or without an active pump. Patients with an active pump are also on the{' '}
          <Link href="/">worklist</Link>.
        </p>
      </div>

      <form key={`${query.q}:${query.status}`} className="filters" method="get" action="/patients" role="search" aria-label="Search patients">
        <label>
          Name, MRN or date of birth
          <input name="q" type="search" defaultValue={query.q} maxLength={100} placeholder="Family, Given · MRN · YYYY-MM-DD" />
        </label>
        <label>
          Pump
          <select name="status" defaultValue={query.status}>
            {(Object.keys(statusOptions) as PatientListQuery['status'][]).map((st) => (
              <option key={st} value={st}>
                {statusOptions[st]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
        <Link href="/patients" className="button secondary">
          Clear
        </Link>
      </form>
      {!parsed.success && (
        <p role="alert" className="error">
          The search was not applied: {Object.entries(fieldErrors(parsed.error)).map(([k, v]) => `${k} ${v}`).join('; ')}
        </p>
      )}

      <div className="table-wrap">
        <table className="patient-list">
          <caption className="sr-only">Patients</caption>
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Date of birth</th>
              <th scope="col">MRN</th>
              {showOrigin && <th scope="col">Origin</th>}
              <th scope="col">Pumps</th>
              <th scope="col">Managing physician</th>
            </tr>
          </thead>
          <tbody>
            {list.rows.length === 0 && (
              <tr>
                <td colSpan={showOrigin ? 6 : 5} className="muted">
                  No patient matches.
                </td>
              </tr>
            )}
            {list.rows.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link href={`/patients/${p.id}`}>
                    {p.familyName}, {p.givenName}
                  </Link>
                </td>
                <td>{formatLocalDate(p.dateOfBirth)}</td>
                <td>{p.mrn}</td>
                {showOrigin && <td>{spasticityOriginLabels[p.spasticityOrigin]}</td>}
                <td>
                  {p.pumps.length === 0 ? (
                    <span className="muted">No pump entered</span>
                  ) : (
                    <ul className="plain">
                      {p.pumps.map((pu) => (
                        <li key={pu.id}>
                          {pu.label} · SN {pu.serial} ·{' '}
                          {pu.status === 'active' ? (
                            <strong>active</strong>
                          ) : (
                            <span>explanted{pu.explantedOn ? ` ${formatLocalDate(pu.explantedOn)}` : ''}</span>
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{p.managingPhysician ?? <span className="muted">None</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        {query.page > 1 && <Link href={pageHref(query, query.page - 1)}>← Previous</Link>}
        <span>
          {list.total} {list.total === 1 ? 'patient' : 'patients'} · page {Math.min(query.page, last)} of {last}
        </span>
        {query.page < last && <Link href={pageHref(query, query.page + 1)}>Next →</Link>}
      </nav>
    </>
  );
}
