/**
 * The patient page's reminders panel (a server component): the reminder e-mail and the patient's consent per
 * channel with its date, whether the server can send reminders at all, and the history of every reminder with
 * its delivery status. A failed one says what to do: call the patient.
 */
import { getDb } from '@/db';
import { patientNotifications, reminderContact } from '@/db/queries/notifications';
import { clinicTimeZone } from '@/db/queries/feeds';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff } from '@/lib/auth/session';
import { env } from '@/lib/env';
import { NotFoundError } from '@/lib/errors';
import { formatInstant } from '@/lib/format';
import { ReminderConsentForm } from './reminder-consent-form';

const kindLabels: Record<string, string> = {
  'appointment-evening': 'Appointment, evening before',
  'appointment-morning': 'Appointment, morning of',
  'refill-due-unbooked': 'Due, none booked',
  'refill-overdue': 'Overdue: call the clinic today',
};
const statusLabels: Record<string, string> = {
  pending: 'waiting',
  sending: 'sending',
  sent: 'sent',
  failed: 'NOT DELIVERED',
  cancelled: 'cancelled',
};

export async function RemindersPanel({ patientId }: { patientId: number }) {
  const staff = await requirePageStaff('patients:read', `/patients/${patientId}`);
  const db = getDb();
  let contact: ReturnType<typeof reminderContact>;
  try {
    contact = reminderContact(db, staff.clinicId, patientId);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  const history = patientNotifications(db, staff.clinicId, patientId, 20);
  const timeZone = clinicTimeZone(db, staff.clinicId);
  const config = env();
  const configured = { email: !!config.SMTP_URL, sms: !!config.SMS_WEBHOOK_URL };
  const failed = history.find((h) => h.status === 'failed');
  const consent = (at: number | null) => (at ? `consent given ${formatInstant(at, timeZone)}` : 'no consent recorded');

  return (
    <section className="card stack" aria-labelledby="reminders-heading" data-testid="reminders-panel">
      <h2 id="reminders-heading" style={{ margin: 0 }}>
        Reminders
      </h2>
      {!configured.email && !configured.sms ? (
        <p className="notice warn">
          Reminders are not configured on this server: no e-mail or SMS is sent. An administrator sets SMTP_URL (e-mail) or
          SMS_WEBHOOK_URL (docs/notifications.md). Consent can still be recorded.
        </p>
      ) : (
        <p className="small muted">
          Sent by {[configured.email && 'e-mail', configured.sms && 'SMS'].filter(Boolean).join(' and ')} with the patient&rsquo;s
          consent: the evening before and the morning of an appointment, when the refill is due with none booked, and when it
          is overdue. They give only the date, time and clinic phone: no drug or dose.
        </p>
      )}
      {failed && (
        <p className="notice danger" role="alert">
          A reminder could not be delivered ({formatInstant(failed.failedAt, timeZone)}, {failed.channel === 'sms' ? 'SMS' : 'e-mail'}
          ): call the patient, and check the contact details.
        </p>
      )}
      <dl className="facts">
        <dt>E-mail</dt>
        <dd>
          {contact.email || '—'} · {consent(contact.emailConsentedAt)}
        </dd>
        <dt>SMS</dt>
        <dd>
          {contact.phone || 'no phone recorded'} · {consent(contact.smsConsentedAt)}
        </dd>
        {contact.recordedByName && (
          <>
            <dt>Recorded by</dt>
            <dd>{contact.recordedByName}</dd>
          </>
        )}
      </dl>
      {can(staff.role, 'patients:write') && (
        <ReminderConsentForm
          key={contact.version}
          patientId={patientId}
          version={contact.version}
          email={contact.email}
          emailConsent={contact.emailConsentedAt !== null}
          smsConsent={contact.smsConsentedAt !== null}
          hasPhone={!!contact.phone}
        />
      )}
      <h3 className="pt-subhead">Sent and planned</h3>
      {history.length === 0 ? (
        <p className="muted">No reminders yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="pt-history">
            <caption className="sr-only">Reminders to this patient, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Written</th>
                <th scope="col">Reminder</th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id} className={h.status === 'failed' ? 'pt-flagged' : undefined}>
                  <td>{formatInstant(h.createdAt, timeZone)}</td>
                  <td>{kindLabels[h.kind] ?? h.kind}</td>
                  <td className="small">
                    {h.channel === 'sms' ? 'SMS' : 'E-mail'} {h.to}
                  </td>
                  <td className="small">
                    <strong className={h.status === 'failed' ? 'error' : undefined}>{statusLabels[h.status] ?? h.status}</strong>
                    {h.sentAt && ` ${formatInstant(h.sentAt, timeZone)}`}
                    {h.attempts > 1 && ` after ${h.attempts} attempts`}
                    {h.lastError && h.status !== 'sent' && <div className="muted">{h.lastError}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
