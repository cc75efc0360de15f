/**
 * The recall list (issue 16 item 4): the patients who need a phone call now, most at risk first (the worklist's own
 * ranking), each with the number to call, the last attempt and its outcome, and the next follow-up. Above it, the
 * front desk's queue: patients who asked for another appointment time through their reminder's link (item 5).
 */
import Link from 'next/link';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { attendanceRequestQueue, recallList, recallReasonLabels } from '@/db/queries/outreach';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff } from '@/lib/auth/session';
import { requestNow } from '@/lib/clock';
import { contactOutcomeLabels } from '@/lib/domain/vocabulary';
import { formatInstant, formatLocalDate, telHref, worklistTierLabels } from '@/lib/format';
import { HandledButton } from './_components/handled-button';

export const metadata = { title: 'Recall list' };

export default async function RecallPage() {
  const staff = await requirePageStaff('patients:read', '/recall');
  const db = getDb();
  const now = requestNow();
  const { rows, timeZone, today } = recallList(db, staff.clinicId, now);
  const requests = attendanceRequestQueue(db, staff.clinicId);
  const mayWrite = can(staff.role, 'outreach:write');
  recordRead(db, staff, { resource: 'recall', patientIds: [...rows.map((r) => r.row.patientId), ...requests.map((r) => r.patientId)], detail: { page: '/recall' } });

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Recall list</h1>
        <p className="muted">
          Today is {formatLocalDate(today)}. Patients to call now: refill overdue, past the alarm date or empty; due soon with
          no appointment; a critical alert nobody acknowledged; a missed appointment. Most at risk first, as on the worklist.
          Log each call on the patient&rsquo;s page.
        </p>
      </div>

      <section className="card stack" aria-labelledby="requests-heading">
        <h2 id="requests-heading" style={{ margin: 0 }}>
          Asked for another time
        </h2>
        {requests.length === 0 ? (
          <p className="muted">No patient is waiting for a new time.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Requests for another appointment time, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Phone</th>
                  <th scope="col">Booked for</th>
                  <th scope="col">Asked</th>
                  <th scope="col">Their note</th>
                  {mayWrite && <th scope="col">Done</th>}
                </tr>
              </thead>
              <tbody>
                {requests.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link href={`/patients/${r.patientId}`}>{r.patientName}</Link>
                    </td>
                    <td>{r.phone ? <a href={telHref(r.phone) ?? undefined}>{r.phone}</a> : '—'}</td>
                    <td>{formatInstant(r.startsAt, timeZone)}</td>
                    <td>{formatInstant(r.respondedAt, timeZone)}</td>
                    <td>{r.note || <span className="muted">—</span>}</td>
                    {mayWrite && (
                      <td>
                        <HandledButton requestId={r.id} patientName={r.patientName} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card stack" aria-labelledby="recall-heading">
        <h2 id="recall-heading" style={{ margin: 0 }}>
          Patients to call ({rows.length})
        </h2>
        {rows.length === 0 ? (
          <p className="muted">Nobody needs a call now.</p>
        ) : (
          <div className="table-wrap">
            <table className="recall">
              <caption className="sr-only">Patients to call, most at risk first</caption>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Patient</th>
                  <th scope="col">Phone</th>
                  <th scope="col">Why</th>
                  <th scope="col">Next appointment</th>
                  <th scope="col">Last attempt</th>
                  <th scope="col">Next follow-up</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ row, reasons, missedAt, lastAttempt, nextFollowUp }) => (
                  <tr key={row.patientId} data-testid={`recall-${row.patientId}`}>
                    <td>
                      <span className={`chip status-${row.status}`}>{worklistTierLabels[row.status]}</span>
                    </td>
                    <td>
                      <Link href={`/patients/${row.patientId}`}>{row.patientName}</Link>
                      <div className="small muted">MRN {row.mrn}</div>
                    </td>
                    <td>{row.phone ? <a href={telHref(row.phone) ?? undefined}>{row.phone}</a> : <strong className="error">No phone recorded</strong>}</td>
                    <td className="small">
                      {reasons.map((r) => (
                        <div key={r}>
                          {recallReasonLabels[r]}
                          {r === 'no-show' && missedAt != null && ` (${formatInstant(missedAt, timeZone)})`}
                          {(r === 'overdue' || r === 'due-unbooked' || r === 'past-alarm') && `, due ${formatLocalDate(row.refillDueOn)}`}
                        </div>
                      ))}
                    </td>
                    <td className="small">{row.nextAppointmentAt ? formatInstant(row.nextAppointmentAt, timeZone) : 'None booked'}</td>
                    <td className="small">
                      {lastAttempt ? (
                        <>
                          {contactOutcomeLabels[lastAttempt.outcome]}
                          <div className="muted">
                            {formatInstant(lastAttempt.at, timeZone)}, {lastAttempt.byName}
                          </div>
                        </>
                      ) : (
                        <span className="muted">Not contacted yet</span>
                      )}
                    </td>
                    <td className="small">
                      {nextFollowUp ? (
                        <>
                          <span className={nextFollowUp.dueOn <= today ? 'error' : undefined}>{formatLocalDate(nextFollowUp.dueOn)}</span>
                          <div className="muted">{nextFollowUp.assigneeName}</div>
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
