/**
 * The patient's attendance page (issue 16 item 5), reached from the appointment reminder e-mail. No sign-in; the
 * token is the credential. It shows the appointment's day and time and the clinic's phone, nothing else: no name,
 * no clinic name (a specialty in it would say too much), no drug. Opening it changes nothing (mail scanners open
 * links); only pressing a button answers, once. Referrer policy same-origin: the token never leaves in a Referer,
 * and the form's POST still carries this site's Origin (with no-referrer it would be "null", refused as cross-site).
 */
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { getDb } from '@/db';
import { attendanceLinkView } from '@/db/queries/outreach';
import { requestNow } from '@/lib/clock';
import { isAttendanceTokenShape } from '@/lib/notifications/attendance';
import { appointmentWhen } from '@/lib/notifications/messages';
import { PATIENT_NOTE_MAX } from '@/lib/validation/limits';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Your clinic appointment', referrer: 'same-origin', robots: { index: false, follow: false } };

type Props = { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

export default async function AttendPage({ params, searchParams }: Props) {
  const { token } = await params;
  const { error } = await searchParams;
  await headers(); // per request, never cached
  const view = isAttendanceTokenShape(token) ? attendanceLinkView(getDb(), token, requestNow()) : ({ state: 'unknown' } as const);
  const call = (phone: string) => (
    <a href={telHref(phone)} className="attend-phone">
      {phone}
    </a>
  );

  return (
    <main id="main" className="stack attend" style={{ maxWidth: '32rem', margin: '2rem auto', padding: '0 1rem' }}>
      <h1>Your clinic appointment</h1>
      {view.state === 'unknown' && <p>This link is not valid. Please call your clinic about your appointment.</p>}
      {view.state === 'no-longer-valid' && (
        <p>
          This link is no longer valid: the appointment has started, or it was changed. Please call {call(view.phone)} about your
          appointment.
        </p>
      )}
      {(view.state === 'open' || view.state === 'answered') && (
        <>
          <p className="attend-when">
            <strong>{appointmentWhen(view.startsAt, view.timeZone)}</strong>
          </p>
          {view.state === 'answered' ? (
            <p role="status">
              {view.response === 'confirmed'
                ? 'Thank you: you have confirmed that you will come.'
                : 'Thank you: you asked for another time. The clinic will call you.'}{' '}
              To change anything, call {call(view.phone)}.
            </p>
          ) : (
            <>
              {error && (
                <p className="error" role="alert">
                  Your answer was not saved: a note can have at most {PATIENT_NOTE_MAX} characters. Please try again.
                </p>
              )}
              <form method="post" action={`/api/v1/attendance/${encodeURIComponent(token)}`} className="stack">
                <input type="hidden" name="response" value="confirmed" />
                <button type="submit">I will come</button>
              </form>
              <form method="post" action={`/api/v1/attendance/${encodeURIComponent(token)}`} className="stack" aria-label="Ask for another time">
                <input type="hidden" name="response" value="another-time" />
                <label>
                  Times that suit you better (optional)
                  <textarea name="note" maxLength={PATIENT_NOTE_MAX} rows={3} />
                </label>
                <button type="submit" className="secondary">
                  I need another time
                </button>
              </form>
              <p className="small muted">This link works once. You can also call {call(view.phone)}.</p>
            </>
          )}
        </>
      )}
    </main>
  );
}
