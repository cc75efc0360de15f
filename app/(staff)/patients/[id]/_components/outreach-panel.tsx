/**
 * The patient page's contact log (issue 16 item 4): every attempt to reach the patient (outcome, note, who, when) and
 * the follow-up calls to make, with the form to log a new attempt.
 */
import { getDb } from '@/db';
import { clinicTimeZone } from '@/db/queries/feeds';
import { followUpAssignees, patientContactLog } from '@/db/queries/outreach';
import { can } from '@/lib/auth/permissions';
import type { Staff } from '@/lib/auth/session';
import { localDateOf } from '@/lib/domain/calendar';
import { contactOutcomeLabels } from '@/lib/domain/vocabulary';
import { formatInstant, formatLocalDate } from '@/lib/format';
import { ContactAttemptForm, FollowUpDoneButton } from './contact-attempt-form';

export function OutreachPanel({ patientId, staff, now }: { patientId: number; staff: Staff; now: number }) {
  const db = getDb();
  const { attempts, followUps } = patientContactLog(db, staff.clinicId, patientId);
  const timeZone = clinicTimeZone(db, staff.clinicId);
  const today = localDateOf(now, timeZone);
  const mayWrite = can(staff.role, 'outreach:write');
  const open = followUps.filter((f) => f.doneAt == null);

  return (
    <section className="card stack" aria-labelledby="contacts-heading">
      <h2 id="contacts-heading" style={{ margin: 0 }}>
        Contact log
      </h2>
      {mayWrite && <ContactAttemptForm patientId={patientId} today={today} assignees={followUpAssignees(db, staff.clinicId)} me={staff.id} />}
      <h3 className="pt-subhead">Follow-ups</h3>
      {followUps.length === 0 ? (
        <p className="muted">No follow-up planned.</p>
      ) : (
        <ul className="stack" aria-label="Follow-ups">
          {followUps.map((f) => (
            <li key={f.id}>
              {f.doneAt == null ? (
                <>
                  Call by <strong className={f.dueOn <= today ? 'error' : undefined}>{formatLocalDate(f.dueOn)}</strong> · {f.assigneeName}{' '}
                  {mayWrite && <FollowUpDoneButton taskId={f.id} version={f.version} dueOn={formatLocalDate(f.dueOn)} />}
                </>
              ) : (
                <span className="muted">
                  Call by {formatLocalDate(f.dueOn)} · {f.assigneeName} · done {formatInstant(f.doneAt, timeZone)}
                  {f.doneByName ? ` by ${f.doneByName}` : ''}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {open.length > 1 && <p className="small muted">{open.length} follow-ups open.</p>}
      <h3 className="pt-subhead">Attempts</h3>
      {attempts.length === 0 ? (
        <p className="muted">No contact attempt logged.</p>
      ) : (
        <div className="table-wrap">
          <table className="pt-history">
            <caption className="sr-only">Contact attempts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Outcome</th>
                <th scope="col">Note</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.id}>
                  <td>{formatInstant(a.at, timeZone)}</td>
                  <td>{contactOutcomeLabels[a.outcome]}</td>
                  <td className="small">{a.note || <span className="muted">—</span>}</td>
                  <td className="small">{a.byName}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
