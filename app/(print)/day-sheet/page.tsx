/**
 * The day sheet: one clinic day's appointments, printable (landscape), for the morning huddle and the refill room.
 * Each row has the pump, drug, concentration, dose, the residual the program leaves at the appointment time, and
 * what to check. `?date=YYYY-MM-DD`, today by default.
 */
import Link from 'next/link';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { clinicHeader } from '@/db/queries/clinics';
import { daySheet } from '@/db/queries/day-sheet';
import { requirePageStaff } from '@/lib/auth/session';
import { readRefusedPage } from '@/app/_components/read-refused';
import { requestNow } from '@/lib/clock';
import { addDaysToLocalDate, localDateOf } from '@/lib/domain/calendar';
import { formatInstant, formatLocalDate, formatMl } from '@/lib/format';
import { appointmentStatusLabels, appointmentTypeLabels, plainParams } from '@/lib/validation/appointment';
import { localDate } from '@/lib/validation/common';
import { concentrationText, doseText, modeLabels } from '../../(staff)/patients/[id]/_components/labels';
import { DateField } from '../../(staff)/_components/date-time-inputs';
import { DateOrderProvider } from '../../(staff)/_components/date-order';
import { PrintNow } from './print-now';
import styles from './day-sheet.module.css';
import { capitalised, drugLabel } from '@/lib/cards/view';

export const metadata = { title: 'Day sheet' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function DaySheetPage({ searchParams }: { searchParams: SearchParams }) {
  const staff = await requirePageStaff('clinical:read', '/day-sheet');
  const raw = plainParams(await searchParams);
  const db = getDb();
  const now = requestNow();
  const clinic = clinicHeader(db, staff.clinicId);
  if (!clinic) throw new Error(`Clinic ${staff.clinicId} not found`);
  const today = localDateOf(now, clinic.timeZone);
  const parsed = raw.date === undefined ? { success: true as const, data: today } : localDate.safeParse(raw.date);
  if (!parsed.success) {
    return (
      <main className={styles.screen}>
        <h1>Day sheet</h1>
        <p role="alert" className={styles.problem}>
          date: {parsed.error.issues[0]?.message ?? 'must be a date, YYYY-MM-DD'} (got “{raw.date}”).
        </p>
        <Link href="/day-sheet">Today’s day sheet</Link>
      </main>
    );
  }
  const date = parsed.data;
  const sheet = daySheet(db, staff.clinicId, date, now);
  try {
    recordRead(db, staff, { resource: 'day-sheet', entityId: date, patientIds: sheet.rows.map((r) => r.appointment.patientId) });
  } catch (error) {
    // READ_AUDIT_FAIL_CLOSED and the view cannot be audited: nothing of the sheet is shown.
    return readRefusedPage(error, styles.screen);
  }
  const href = (d: string) => `/day-sheet?date=${d}`;

  return (
    <main className={styles.screen}>
      <div className={styles.toolbar}>
        <Link href={`/appointments?view=day&date=${date}`}>← Appointments of this day</Link>
        <nav aria-label="Day sheet dates" className={styles.nav}>
          <Link href={href(addDaysToLocalDate(date, -1))}>← Previous day</Link>
          <Link href={href(today)} aria-current={date === today ? 'date' : undefined}>
            Today
          </Link>
          <Link href={href(addDaysToLocalDate(date, 1))}>Next day →</Link>
        </nav>
        <form method="get" action="/day-sheet" className={styles.nav}>
          <DateOrderProvider order={clinic.dateOrder}>
            <DateField label="Date" name="date" defaultValue={date} required />
          </DateOrderProvider>
          <button type="submit" className="secondary">
            Show
          </button>
        </form>
        <PrintNow />
      </div>

      <article className={styles.sheet} aria-labelledby="day-sheet-title">
        <header className={styles.header}>
          <h1 id="day-sheet-title">
            Day sheet · {formatLocalDate(date)}
          </h1>
          <p>
            {clinic.name} · {sheet.rows.length} appointment{sheet.rows.length === 1 ? '' : 's'}
            {sheet.cancelled > 0 ? ` (${sheet.cancelled} cancelled, not listed)` : ''} · times are clinic time (
            {sheet.timeZone}) · printed {formatInstant(now, sheet.timeZone)} by {staff.name}
          </p>
          <p className={styles.note}>
            Expected residual: what the program leaves in the reservoir at the appointment time. Compare it with
            the volume you aspirate; the refill form checks the discrepancy.
          </p>
        </header>
        {sheet.rows.length === 0 ? (
          <p>No appointments on this day.</p>
        ) : (
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Patient</th>
                <th scope="col">Pump</th>
                <th scope="col">Drug and dose</th>
                <th scope="col">Expected residual</th>
                <th scope="col">Check</th>
              </tr>
            </thead>
            <tbody>
              {sheet.rows.map((r) => {
                const a = r.appointment;
                const unit = r.program?.doseUnit ?? 'mcg';
                return (
                  <tr key={a.id} data-testid="day-sheet-row">
                    <td>
                      <strong>{a.time}</strong>–{a.endTime}
                      <br />
                      {appointmentTypeLabels[a.type]}
                      {a.status !== 'booked' && (
                        <>
                          <br />
                          <em>{appointmentStatusLabels[a.status]}</em>
                        </>
                      )}
                    </td>
                    <td>
                      <Link href={`/patients/${a.patientId}`}>{a.patientName}</Link>
                      <br />
                      MRN {a.mrn} · born {formatLocalDate(r.dateOfBirth)}
                      {r.phone && (
                        <>
                          <br />
                          {r.phone}
                        </>
                      )}
                    </td>
                    <td>
                      {r.pump.label}
                      <br />
                      serial {r.pump.serial} · {formatMl(r.pump.reservoirMl)} reservoir
                      <br />
                      {r.pump.kind === 'constant-flow'
                        ? `reserve ${formatMl(r.pump.alarmMl)} (no alarm)`
                        : `alarm at ${formatMl(r.pump.alarmMl)}`}
                      {r.pump.explanted && (
                        <>
                          <br />
                          <strong>Explanted</strong>
                        </>
                      )}
                    </td>
                    <td>
                      {r.program ? (
                        <>
                          {drugLabel(capitalised(r.program.drugName), r.program.drugProduct)}
                          <br />
                          {concentrationText(r.program.concentrationMcgPerMl, unit)} ·{' '}
                          <strong>{doseText(r.program.dailyDoseMcg, unit)}</strong>
                          <br />
                          {modeLabels[r.program.mode]}
                          {r.program.flexSteps.length > 0 &&
                            `: ${r.program.flexSteps.map((st) => `${st.start} ${doseText(st.doseMcgPerHour, unit, '/h')}`).join(', ')}`}
                          {r.pendingOrder && (
                            <>
                              <br />
                              Order: {concentrationText(r.pendingOrder.concentrationMcgPerMl, r.pendingOrder.doseUnit)} ·{' '}
                              <strong>{doseText(r.pendingOrder.dailyDoseMcg, r.pendingOrder.doseUnit)}</strong> (
                              {r.pendingOrder.orderedByName})
                            </>
                          )}
                        </>
                      ) : (
                        'No program recorded'
                      )}
                    </td>
                    <td>
                      {r.expectedResidualMl != null ? <strong>{formatMl(r.expectedResidualMl)}</strong> : '—'}
                      {r.lastRefillAt != null && (
                        <>
                          <br />
                          last fill {formatInstant(r.lastRefillAt, sheet.timeZone)}
                        </>
                      )}
                    </td>
                    <td>
                      {r.checks.length === 0 ? (
                        'Nothing flagged'
                      ) : (
                        <ul className={styles.checks}>
                          {r.checks.map((c) => (
                            <li key={c.text} data-severity={c.severity}>
                              {c.severity === 'critical' || c.severity === 'high' ? <strong>{c.text}</strong> : c.text}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </article>
    </main>
  );
}
