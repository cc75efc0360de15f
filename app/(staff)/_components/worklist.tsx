'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { localDateOf } from '@/lib/domain/calendar';
import type { WorklistRow } from '@/db/queries/worklist';
import {
  alertShortText,
  drugLeftText,
  formatShortDate,
  formatShortInstant,
  noAlarmText,
  statusLabels,
  telHref,
  worklistTierLabels,
} from '@/lib/format';
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
          <Link
            prefetch={false}
            href={query({ status: filter.status === st ? undefined : st, page: undefined })}
            className={`chip status-${st}`}
            aria-current={filter.status === st ? 'true' : undefined}
          >
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
  // No Suspense boundary around the rows. One that never suspends made React hydrate them after the rest of the page
  // (shorter tasks on a phone), but when the table re-rendered before that boundary had hydrated, React dropped the
  // server's rows and for a while showed the boundary's empty fallback: e2e caught a worklist with its counts and no
  // rows at all (docs/performance.md). A worklist that can show nothing is not worth a Lighthouse point. The links
  // do not prefetch (as in the header): each row in view (its patient page, its card) was a request per load.
  return (
    <>
      <div className="table-wrap">
        {/* One line per pump (issue 18, item 1): what a nurse scans, the worst alert as a phrase and the rest on
          demand. At 1000 px and below the same rows are laid out as cards (globals.css, "worklist cards"). */}
        <table className="worklist">
          <caption className="sr-only">Active pumps ranked by refill risk</caption>
          <thead>
            <tr>
              <th scope="col" className="wl-status">
                Status
              </th>
              <th scope="col" className="wl-patient">
                Patient
              </th>
              <th scope="col" className="wl-phone">
                Phone
              </th>
              <th scope="col" className="wl-pump">
                Pump
              </th>
              <th scope="col" className="wl-left">
                Drug left
              </th>
              <th scope="col" className="wl-due">
                Due
              </th>
              <th scope="col" className="wl-alarm">
                Alarm
              </th>
              <th scope="col" className="wl-appt">
                Next appt
              </th>
              <th scope="col" className="wl-alerts">
                Alerts
              </th>
            </tr>
          </thead>
          <tbody>
            {data.rows.length === 0 && (
              <tr>
                <td colSpan={9}>No pumps match these filters.</td>
              </tr>
            )}
            {data.rows.map((row) => (
              <WorklistRowView
                key={row.pumpId}
                row={row}
                today={data.today}
                timeZone={data.timeZone}
                now={data.now}
              />
            ))}
          </tbody>
        </table>
      </div>

      <nav className="pager" aria-label="Pages">
        {data.page > 1 && (
          <Link prefetch={false} href={query({ page: data.page - 1 })}>
            ← Previous
          </Link>
        )}
        <span>
          Page {data.page} of {pages} · {data.total} pumps
        </span>
        {data.page < pages && (
          <Link prefetch={false} href={query({ page: data.page + 1 })}>
            Next →
          </Link>
        )}
      </nav>
    </>
  );
}

function WorklistRowView({
  row,
  today,
  timeZone,
  now,
}: {
  row: WorklistRow;
  today: string;
  timeZone: string;
  now: number;
}) {
  const tel = telHref(row.phone);
  const drugLeft = drugLeftText({
    volumeNowMl: row.volumeNowMl,
    daysToAlarm: row.daysOfDrugLeft,
    lowReservoirAlarmAt: row.lowReservoirAlarmAt,
    emptyAt: row.emptyAt,
    constantFlow: row.constantFlow,
    now,
  });
  return (
    <tr className={`row-${row.status}`}>
      <td className="wl-status">
        <span className={`badge status-${row.status}`}>{worklistTierLabels[row.status]}</span>
      </td>
      <td className="wl-patient" title={`${row.patientName}, MRN ${row.mrn}`}>
        <a href={`/patients/${row.patientId}`}>{row.patientName}</a>{' '}
        <span className="muted small">MRN {row.mrn}</span>
      </td>
      <td className="wl-phone" data-label="Phone">
        {tel ? <a href={tel}>{row.phone}</a> : <span className="muted">no phone</span>}
      </td>
      <td className="wl-pump" data-label="Pump" title={row.pumpLabel}>
        {row.pumpLabel}
      </td>
      <td className="wl-left" data-label="Drug left">
        {drugLeft === 'empty' ? <strong>empty</strong> : drugLeft}
      </td>
      <td className="wl-due" data-label="Due">
        <strong>{formatShortDate(row.refillDueOn, today)}</strong>
      </td>
      <td className="wl-alarm" data-label="Alarm">
        {/* The day on the row, the time in the alert's sentence and on the patient page. */}
        {row.constantFlow ? (
          <span className="muted">{noAlarmText}</span>
        ) : row.lowReservoirAlarmAt == null ? (
          'none within 5 years'
        ) : (
          formatShortDate(localDateOf(row.lowReservoirAlarmAt, timeZone), today)
        )}
      </td>
      <td className="wl-appt" data-label="Next appt">
        {row.nextAppointmentAt ? (
          <span className={row.appointmentLate ? 'late' : undefined}>
            {formatShortInstant(row.nextAppointmentAt, timeZone, today)}
            {row.appointmentLate ? ' (late)' : ''}
          </span>
        ) : (
          <span className="muted">none booked</span>
        )}
      </td>
      <td className="wl-alerts">
        {row.cardOutdated && (
          // On the row, not inside the alert details: an outdated card misleads an emergency team.
          <a className="card-outdated" href={`/patients/${row.patientId}/card?pump=${row.pumpId}`}>
            Card outdated: reprint
          </a>
        )}
        <AlertDetails row={row} />
      </td>
    </tr>
  );
}

/**
 * The worst open alert as a short phrase; its full sentence, the other alerts, the notes and why the row is in its
 * tier when the nurse opens it (a native disclosure: keyboard and screen readers work without script).
 */
function AlertDetails({ row }: { row: WorklistRow }) {
  const open = row.alerts.filter((a) => !a.acknowledged && a.severity !== 'info');
  const notes = [
    ...row.alerts.filter((a) => !a.acknowledged && a.severity === 'info').map((a) => a.message),
    ...row.alerts.filter((a) => a.acknowledged).map((a) => `Acknowledged: ${a.message}`),
  ];
  const reason = tierReason(row);
  const worst = open[0];
  if (!worst && notes.length === 0) return <span className="muted">none</span>;
  return (
    <details className="wl-alert">
      <summary>
        {worst ? (
          <span className={`sev-${worst.severity}`}>
            <span className="sev">{worst.severity}</span> {alertShortText(worst.code)}
          </span>
        ) : (
          <span className="muted">
            {notes.length} note{notes.length === 1 ? '' : 's'}
          </span>
        )}
        {worst && open.length + notes.length > 1 && (
          <span className="muted"> +{open.length + notes.length - 1}</span>
        )}
      </summary>
      <div className="wl-alert-body">
        {reason && <p className="muted small">{reason}</p>}
        <ul className="alerts">
          {open.map((a) => (
            <li key={a.code} className={`sev-${a.severity}`}>
              <span className="sev">{a.severity}</span> {a.code} {a.message}
            </li>
          ))}
        </ul>
        {notes.length > 0 && (
          <ul className="notes">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
        <p className="muted small">
          {row.pumpLabel}
          {row.physicianName ? ` · managed by ${row.physicianName}` : ''}
        </p>
      </div>
    </details>
  );
}

/** Why the row is in its tier: the time-driven status, and the alert that made it more urgent, if one did. */
function tierReason(row: WorklistRow): string {
  const status = statusLabels[row.forecastStatus];
  const alert = row.worstAlert;
  if (!alert || row.status === row.forecastStatus)
    return status === worklistTierLabels[row.status] ? '' : status;
  return `${status} · ${alert.code} ${alert.severity.toUpperCase()}`;
}
