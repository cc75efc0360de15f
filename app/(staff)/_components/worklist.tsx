'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { WorklistRow } from '@/db/queries/worklist';
import { formatInstant, formatLocalDate, statusLabels, worklistTierLabels } from '@/lib/format';
import { worklistQuery } from '@/lib/query/worklist';
import type { WorklistQuery } from '@/lib/validation/worklist';

/**
 * The worklist's counts by status, its ranked rows and pager, read from one query: prefetched by the page and
 * hydrated (app/(staff)/page.tsx). Every clinical or booking write invalidates `queryKeys.worklist.all`, so coming
 * back to the worklist after a refill shows the new ranking.
 */
function useWorklist(filter: WorklistQuery) {
  const { data, error } = useQuery(worklistQuery(filter));
  /** A worklist URL: the current filter with some values replaced (undefined or empty removes one). */
  const query = (overrides: Record<string, string | number | undefined>) => {
    const merged = { ...filter, ...overrides } as Record<string, string | number | undefined>;
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== '') qs.set(k, String(v));
    return `/?${qs.toString()}`;
  };
  return { data, error, query };
}

export function WorklistCounts({ filter }: { filter: WorklistQuery }) {
  const { data, query } = useWorklist(filter);
  if (!data) return null;
  return (
    <ul className="status-counts" aria-label="Pumps by status">
      {(Object.keys(worklistTierLabels) as (keyof typeof worklistTierLabels)[]).map((st) => (
        <li key={st}>
          <Link href={query({ status: filter.status === st ? undefined : st, page: undefined })} className={`chip status-${st}`} aria-current={filter.status === st ? 'true' : undefined}>
            {worklistTierLabels[st]} <strong>{data.counts[st]}</strong>
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function WorklistTable({ filter }: { filter: WorklistQuery }) {
  const { data, error, query } = useWorklist(filter);
  if (!data)
    return error ? (
      <p role="alert" className="notice danger">
        The worklist could not be loaded: {error.message}
      </p>
    ) : (
      <p className="muted" role="status">
        Loading the worklist…
      </p>
    );
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  return (
    <>
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
