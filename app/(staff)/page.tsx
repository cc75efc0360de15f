import Link from 'next/link';
import { eq, and } from 'drizzle-orm';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { listWorklist, type WorklistRow } from '@/db/queries/worklist';
import { requirePageStaff } from '@/lib/auth/session';
import { requestNow } from '@/lib/server/clock';
import { formatInstant, formatLocalDate, statusLabels, worklistTierLabels } from '@/lib/format';
import { worklistQueryFrom } from '@/lib/validation/worklist';
import { fieldErrors } from '@/lib/validation/errors';

export const metadata = { title: 'Worklist' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function WorklistPage({ searchParams }: { searchParams: SearchParams }) {
  const staff = await requirePageStaff('patients:read', '/');
  const params = await searchParams;
  const parsed = worklistQueryFrom(params);
  const filter = parsed.success ? parsed.data : {};
  const db = getDb();
  const now = requestNow();
  const data = listWorklist(db, staff.clinicId, filter, now);
  const physicians = db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.clinicId, staff.clinicId), eq(users.role, 'physician')))
    .all();
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const query = (overrides: Record<string, string | number | undefined>) => {
    const merged = { ...filter, ...overrides } as Record<string, string | number | undefined>;
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== '') qs.set(k, String(v));
    return `/?${qs.toString()}`;
  };

  return (
    <>
      <div className="page-head">
        <h1>Refill worklist</h1>
        <p className="muted">
          Today is {formatLocalDate(data.today)} ({data.timeZone}). Ranked by risk: empty, then critical (past the alarm
          date or a critical alert), overdue or a high alert, due soon or a warning; within each, the worst open alert
          first; then no appointment, appointment after the due date; then by due date.
        </p>
      </div>

      <ul className="status-counts" aria-label="Pumps by status">
        {(Object.keys(worklistTierLabels) as (keyof typeof worklistTierLabels)[]).map((st) => (
          <li key={st}>
            <Link href={query({ status: filter.status === st ? undefined : st, page: undefined })} className={`chip status-${st}`} aria-current={filter.status === st ? 'true' : undefined}>
              {worklistTierLabels[st]} <strong>{data.counts[st]}</strong>
            </Link>
          </li>
        ))}
      </ul>

      {/* Keyed by the filter so that "Clear" (a client navigation) resets what was typed, not only the defaults. */}
      <form key={JSON.stringify(filter)} className="filters" method="get" action="/" role="search" aria-label="Filter the worklist">
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
        <label>
          Due from
          <input name="dueFrom" type="date" defaultValue={filter.dueFrom ?? ''} />
        </label>
        <label>
          Due to
          <input name="dueTo" type="date" defaultValue={filter.dueTo ?? ''} />
        </label>
        <button type="submit">Apply</button>
        <Link href="/" className="button secondary">
          Clear
        </Link>
      </form>
      {!parsed.success && (
        <p role="alert" className="error">
          Some filters were ignored: {Object.entries(fieldErrors(parsed.error)).map(([k, v]) => `${k} ${v}`).join('; ')}
        </p>
      )}

      <div className="table-wrap">
        <table className="worklist">
          <caption className="sr-only">Active pumps ranked by refill risk</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Patient and pump</th>
              <th scope="col">Drug left</th>
              <th scope="col">Refill due · alarm · next appointment</th>
              <th scope="col">Alerts</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.length === 0 && (
              <tr>
                <td colSpan={5}>No pumps match these filters.</td>
              </tr>
            )}
            {data.rows.map((row) => (
              <tr key={row.pumpId} className={`row-${row.status}`}>
                <td>
                  <span className={`badge status-${row.status}`}>{worklistTierLabels[row.status]}</span>
                  <div className="muted small">{tierReason(row)}</div>
                </td>
                <td>
                  <Link href={`/patients/${row.patientId}`}>{row.patientName}</Link>
                  <div className="muted small">
                    MRN {row.mrn}
                    {row.physicianName ? ` · ${row.physicianName}` : ''}
                  </div>
                  <div className="muted small">{row.pumpLabel}</div>
                  {row.cardOutdated && (
                    // Visible on the row, not inside the notes: an outdated card misleads an emergency team.
                    <p className="card-outdated">
                      <Link href={`/patients/${row.patientId}/card?pump=${row.pumpId}`}>Card outdated: reprint</Link>
                    </p>
                  )}
                </td>
                <td>{row.status === 'empty' ? <strong>none</strong> : `${row.daysOfDrugLeft} d to alarm`}</td>
                <td>
                  <dl className="dates">
                    <dt>Due</dt>
                    <dd>
                      <strong>{formatLocalDate(row.refillDueOn)}</strong>
                    </dd>
                    <dt>Alarm</dt>
                    <dd>{formatInstant(row.lowReservoirAlarmAt, data.timeZone)}</dd>
                    <dt>Appt</dt>
                    <dd>
                      {row.nextAppointmentAt ? (
                        <span className={row.appointmentLate ? 'late' : undefined}>
                          {formatInstant(row.nextAppointmentAt, data.timeZone)}
                          {row.appointmentLate ? ' (after due date)' : ''}
                        </span>
                      ) : (
                        <span className="muted">none booked</span>
                      )}
                    </dd>
                  </dl>
                </td>
                <td>
                  <ul className="alerts">
                    {row.alerts
                      .filter((a) => !a.acknowledged && a.severity !== 'info')
                      .map((a) => (
                        <li key={a.code} className={`sev-${a.severity}`}>
                          <span className="sev">{a.severity}</span> {a.message}
                        </li>
                      ))}
                  </ul>
                  <Notes
                    notes={[
                      ...row.alerts.filter((a) => !a.acknowledged && a.severity === 'info').map((a) => a.message),
                      ...row.alerts.filter((a) => a.acknowledged).map((a) => `Acknowledged: ${a.message}`),
                    ]}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <nav className="pager" aria-label="Pages">
        {data.page > 1 && <Link href={query({ page: data.page - 1 })}>← Previous</Link>}
        <span>
          Page {data.page} of {pages} · {data.total} pumps
        </span>
        {data.page < pages && <Link href={query({ page: data.page + 1 })}>Next →</Link>}
      </nav>
    </>
  );
}

/** Why the row is in its tier: the time-driven status, and the alert that made it more urgent, if one did. */
function tierReason(row: WorklistRow): string {
  const status = statusLabels[row.forecastStatus];
  const alert = row.worstAlert;
  if (!alert || row.status === row.forecastStatus) return status === worklistTierLabels[row.status] ? '' : status;
  return `${status} · ${alert.code} ${alert.severity.toUpperCase()}`;
}

function Notes({ notes }: { notes: string[] }) {
  if (notes.length === 0) return null;
  return (
    <details className="notes">
      <summary>
        {notes.length} note{notes.length === 1 ? '' : 's'}
      </summary>
      <ul>
        {notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </details>
  );
}
