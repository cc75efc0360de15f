'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { format, parseISO } from 'date-fns';
import { useEffect, useRef, useState } from 'react';
import { appointmentsQuery, type AppointmentDto, type AppointmentList } from '@/lib/query/appointments';
import { formatLocalDate } from '@/lib/format';
import { appointmentStatusLabels, appointmentTypeLabels } from '@/lib/validation/appointment';
import { AppointmentActions } from './appointment-actions';
import { SavedWarning } from './booking-confirmations';

type Day = AppointmentList['days'][number];

function StatusBadge({ a }: { a: AppointmentDto }) {
  return <span className={`appt-status appt-status-${a.status}`}>{appointmentStatusLabels[a.status]}</span>;
}

const lateLabels = {
  'after-due': 'After the due date',
  'after-alarm': 'After the low-reservoir alarm',
  'after-empty': 'After the reservoir is EMPTY',
} as const;

/** The lateness tier (lib/domain/booking) and the reasons the booker gave. */
function Late({ a }: { a: AppointmentDto }) {
  return (
    <>
      {a.lateness !== 'on-time' && (
        <div className="late small">
          {lateLabels[a.lateness]}
          {a.refillDueOn ? ` (due ${formatLocalDate(a.refillDueOn)})` : ''}
          {a.lateReason ? <span className="muted"> · Reason: {a.lateReason}</span> : null}
        </div>
      )}
      {a.overbookReason && <div className="small muted">Overbooked: {a.overbookReason}</div>}
    </>
  );
}

/** The patient's answer through the reminder's attendance link (issue 16 item 5). */
function Attendance({ a }: { a: AppointmentDto }) {
  if (!a.attendance) return null;
  if (a.attendance.response === 'confirmed')
    return <div className="small appt-confirmed">Patient confirmed</div>;
  return (
    <div className="small late">
      Patient asked for another time{a.attendance.note ? `: “${a.attendance.note}”` : ''}
      {a.attendance.handled ? (
        <span className="muted"> · dealt with</span>
      ) : (
        <span> · see the recall list</span>
      )}
    </div>
  );
}

/** Where a moved appointment went (it may have left the day or week shown), with any late warning. */
function MovedNotice({ moved, onClose }: { moved: AppointmentDto; onClose: () => void }) {
  return (
    <div role="status" className="stack">
      <p className="notice">
        Moved: {moved.patientName}, {formatLocalDate(moved.date)} {moved.time}.{' '}
        <Link href={`/appointments?view=day&date=${moved.date}`}>Show that day</Link>{' '}
        <button type="button" className="small secondary" onClick={onClose}>
          Dismiss
        </button>
      </p>
      <SavedWarning a={moved} />
    </div>
  );
}

function Capacity({ day }: { day: Day }) {
  if (!day.open)
    return <span className="appt-closed">{day.holiday ? 'Holiday: closed' : 'Not a clinic day'}</span>;
  const full = day.taken >= day.capacity;
  return (
    <span className={`appt-capacity${full ? ' full' : ''}`}>
      {day.taken} of {day.capacity} places taken{full ? ' (full)' : ''}
    </span>
  );
}

const patientCell = (a: AppointmentDto) => (
  <>
    <Link href={`/patients/${a.patientId}`}>{a.patientName}</Link>
    <span className="muted small"> MRN {a.mrn}</span>
  </>
);

/** The clinic calendar: a day list or a Monday–Sunday week, refreshed after every booking or change. */
export function Calendar({
  view,
  from,
  to,
  canWrite,
}: {
  view: 'day' | 'week';
  from: string;
  to: string;
  canWrite: boolean;
}) {
  // Prefetched by the page and hydrated (app/(staff)/appointments/page.tsx); refetched after every booking or change.
  const { data, error } = useQuery(appointmentsQuery(from, to));
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [moved, setMoved] = useState<AppointmentDto | null>(null);
  const panel = useRef<HTMLHeadingElement>(null);
  const selected = data?.appointments.find((a) => a.id === selectedId) ?? null;

  useEffect(() => {
    if (selectedId != null) {
      panel.current?.focus();
      panel.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }, [selectedId]);

  const refreshError = (
    <>
      {error ? (
        <p role="alert" className="notice danger small">
          The calendar could not be refreshed: {error.message}. It may be out of date.
        </p>
      ) : null}
      {moved && <MovedNotice moved={moved} onClose={() => setMoved(null)} />}
    </>
  );
  if (!data)
    return error ? (
      refreshError
    ) : (
      <p className="muted" role="status">
        Loading the calendar…
      </p>
    );

  if (view === 'day') {
    const day = data.days[0]!;
    const rows = data.appointments;
    return (
      <div className="stack">
        {refreshError}
        <div className="appt-day-head">
          <h3>{formatLocalDate(day.date)}</h3>
          <Capacity day={day} />
        </div>
        {day.open && <CapacityBar day={day} />}
        <div className="table-wrap">
          <table className="appt-day">
            <caption className="sr-only">Appointments on {formatLocalDate(day.date)}</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Patient</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                {canWrite && <th scope="col">Change</th>}
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={canWrite ? 5 : 4} className="muted">
                    No appointments on this day.
                  </td>
                </tr>
              )}
              {rows.map((a) => (
                <tr key={a.id} className={`appt-row-${a.status}`}>
                  <td className="appt-time">
                    {a.time}–{a.endTime}
                  </td>
                  <td>
                    {patientCell(a)}
                    <div className="muted small">{a.pumpLabel}</div>
                    <Late a={a} />
                    <Attendance a={a} />
                    {a.notes && <div className="small appt-notes">{a.notes}</div>}
                  </td>
                  <td>{appointmentTypeLabels[a.type]}</td>
                  <td>
                    <StatusBadge a={a} />
                  </td>
                  {canWrite && (
                    <td>
                      <AppointmentActions appointment={a} today={data.today} onMoved={setMoved} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    );
  }

  const byDay = new Map<string, AppointmentDto[]>();
  for (const a of data.appointments) byDay.set(a.date, [...(byDay.get(a.date) ?? []), a]);

  return (
    <div className="stack">
      {refreshError}
      <ol className="appt-week" aria-label={`Week of ${formatLocalDate(data.from)}`}>
        {data.days.map((day) => {
          const list = byDay.get(day.date) ?? [];
          return (
            <li
              key={day.date}
              className={`appt-col${day.open ? '' : ' closed'}${list.length === 0 ? ' empty' : ''}${day.date === data.today ? ' today' : ''}`}
              aria-label={formatLocalDate(day.date)}
            >
              <div className="appt-col-head">
                <Link
                  href={`/appointments?view=day&date=${day.date}`}
                  className="appt-col-date"
                  aria-current={day.date === data.today ? 'date' : undefined}
                >
                  <span className="appt-wd">{format(parseISO(day.date), 'EEE')}</span>{' '}
                  {format(parseISO(day.date), 'd MMM')}
                </Link>
                <Capacity day={day} />
              </div>
              {list.length === 0 ? (
                <p className="muted small appt-empty">{day.open ? 'No appointments' : ''}</p>
              ) : (
                <ul className="appt-items">
                  {list.map((a) => (
                    <li
                      key={a.id}
                      className={`appt-item appt-row-${a.status}${a.id === selectedId ? ' selected' : ''}`}
                    >
                      <div className="appt-item-time">
                        {a.time}–{a.endTime}
                      </div>
                      <div>{patientCell(a)}</div>
                      <div className="appt-item-meta">
                        <span className="small">{appointmentTypeLabels[a.type]}</span> <StatusBadge a={a} />
                      </div>
                      <Late a={a} />
                      <Attendance a={a} />
                      {canWrite && a.status === 'booked' && (
                        <button
                          type="button"
                          className="small secondary appt-manage"
                          aria-expanded={a.id === selectedId}
                          aria-controls="appt-panel"
                          onClick={() => setSelectedId(a.id === selectedId ? null : a.id)}
                        >
                          {a.id === selectedId ? 'Close' : 'Change'}
                          <span className="sr-only">
                            {' '}
                            {a.patientName} at {a.time}
                          </span>
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
      {canWrite && (
        <div id="appt-panel" className={selected ? 'card appt-panel' : undefined}>
          {selected && (
            <>
              <h3 ref={panel} tabIndex={-1}>
                {selected.patientName}, {formatLocalDate(selected.date)} {selected.time}–{selected.endTime}
              </h3>
              <p className="muted small">
                MRN {selected.mrn} · {selected.pumpLabel} · {appointmentTypeLabels[selected.type]}
                {selected.refillDueOn ? ` · refill due ${formatLocalDate(selected.refillDueOn)}` : ''}
              </p>
              <AppointmentActions
                key={selected.id}
                appointment={selected}
                today={data.today}
                onMoved={setMoved}
              />
            </>
          )}
        </div>
      )}
    </div>
  );
}

function CapacityBar({ day }: { day: Day }) {
  return (
    <meter
      className="appt-meter"
      min={0}
      max={day.capacity}
      low={day.capacity * 0.75}
      high={day.capacity * 0.99}
      optimum={0}
      value={Math.min(day.taken, day.capacity)}
      aria-label="Places taken today"
    >
      {day.taken} of {day.capacity}
    </meter>
  );
}
