import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import Link from 'next/link';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { listAppointments } from '@/db/queries/appointments';
import { clinicTimeZone } from '@/db/queries/clinics';
import { patientMrnOfPump } from '@/db/queries/pumps';
import { searchPatients } from '@/db/queries/patient-lookup';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff } from '@/lib/auth/session';
import { addDaysToLocalDate, isoWeekdayOf, localDateOf } from '@/lib/domain/calendar';
import { formatLocalDate } from '@/lib/format';
import { appointmentsQuery } from '@/lib/query/appointments';
import { makeQueryClient } from '@/lib/query/client';
import { requestNow } from '@/lib/clock';
import { calendarParamsSchema, plainParams } from '@/lib/validation/appointment';
import { BookAppointment } from './_components/book-appointment';
import { Calendar } from './_components/calendar';
import { DateField } from '../_components/date-time-inputs';

export const metadata = { title: 'Appointments' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AppointmentsPage({ searchParams }: { searchParams: SearchParams }) {
  const staff = await requirePageStaff('patients:read', '/appointments');
  const raw = plainParams(await searchParams);
  const { view, date: asked } = calendarParamsSchema.parse(raw);
  const db = getDb();
  const now = requestNow();
  const timeZone = clinicTimeZone(db, staff.clinicId);
  const today = localDateOf(now, timeZone);
  const date = asked ?? today;
  // Weeks run Monday to Sunday.
  const from = view === 'day' ? date : addDaysToLocalDate(date, 1 - isoWeekdayOf(date));
  const to = view === 'day' ? date : addDaysToLocalDate(from, 6);
  const data = listAppointments(db, staff.clinicId, { from, to }, now);
  recordRead(db, staff, { resource: 'appointments', patientIds: data.appointments.map((a) => a.patientId), detail: { page: '/appointments', from, to } });
  // The range as GET /api/v1/appointments answers it: the calendar reads it from the query cache.
  const queryClient = makeQueryClient();
  await queryClient.prefetchQuery({ ...appointmentsQuery(from, to), queryFn: () => data });
  const canWrite = can(staff.role, 'appointments:write');

  // ?pumpId= (e.g. from the worklist) preselects that pump in the booking form.
  const pumpId = Number(raw.pumpId);
  let preselected = null;
  if (canWrite && Number.isSafeInteger(pumpId) && pumpId > 0) {
    const mrn = patientMrnOfPump(db, staff.clinicId, pumpId);
    const patient = mrn != null ? searchPatients(db, staff.clinicId, { q: mrn, limit: 1 })[0] : undefined;
    if (patient?.pumps.some((p) => p.id === pumpId)) preselected = { patient, pumpId };
  }

  const step = view === 'day' ? 1 : 7;
  const href = (d: string, v: string = view) => `/appointments?view=${v}&date=${d}`;
  const title = view === 'day' ? formatLocalDate(date) : `${formatLocalDate(from)} – ${formatLocalDate(to)}`;

  return (
    <>
      <div className="page-head">
        <h1>Appointments</h1>
        <p className="muted">
          {view === 'day' ? 'Day' : 'Week'} of {title}. Times are clinic time ({timeZone}). Opening hours{' '}
          {data.dayStartsAt}–{data.dayEndsAt}, up to {data.dailyCapacity} appointments a day.
        </p>
      </div>

      <div className="appt-toolbar">
        <nav aria-label="Calendar dates" className="appt-nav">
          <Link className="button secondary" href={href(addDaysToLocalDate(date, -step))}>
            ← Previous {view}
          </Link>
          <Link
            className="button secondary"
            href={href(today)}
            aria-current={date === today ? 'date' : undefined}
          >
            Today
          </Link>
          <Link className="button secondary" href={href(addDaysToLocalDate(date, step))}>
            Next {view} →
          </Link>
        </nav>
        <nav aria-label="Calendar view" className="appt-views">
          <Link
            className={`button ${view === 'day' ? '' : 'secondary'}`}
            href={href(date, 'day')}
            aria-current={view === 'day' ? 'page' : undefined}
          >
            Day
          </Link>
          <Link
            className={`button ${view === 'week' ? '' : 'secondary'}`}
            href={href(date, 'week')}
            aria-current={view === 'week' ? 'page' : undefined}
          >
            Week
          </Link>
        </nav>
        {can(staff.role, 'clinical:read') && (
          <Link className="button secondary" href={`/day-sheet?date=${date}`}>
            Day sheet of {view === 'day' ? 'this day' : formatLocalDate(date)}
          </Link>
        )}
        {canWrite && (
          <a className="button appt-jump-book" href="#book-heading">
            Book an appointment ↓
          </a>
        )}
        <form key={`${view}:${date}`} method="get" action="/appointments" className="appt-jump">
          <input type="hidden" name="view" value={view} />
          <DateField label="Go to date" name="date" defaultValue={date} required />
          <button type="submit" className="secondary">
            Go
          </button>
        </form>
      </div>

      <div className={canWrite ? 'appt-layout' : undefined}>
        <section aria-labelledby="calendar-heading" className="appt-main">
          <h2 id="calendar-heading" className="sr-only">
            {view === 'day' ? 'Day' : 'Week'} calendar
          </h2>
          <HydrationBoundary state={dehydrate(queryClient)}>
            <Calendar view={view} from={from} to={to} canWrite={canWrite} />
          </HydrationBoundary>
        </section>
        {canWrite && (
          <aside aria-labelledby="book-heading" className="appt-side">
            <BookAppointment
              defaultDate={date < today ? today : date}
              slotMinutes={data.slotMinutes}
              timeZone={timeZone}
              preselected={preselected}
            />
          </aside>
        )}
      </div>
    </>
  );
}
