/**
 * A printable handout for a patient's calendar link: how to subscribe on iPhone, Android (Google Calendar) and
 * Outlook, with the link as text and a QR code. The link itself reaches this page only through sessionStorage,
 * right after the panel issued it (see _components/feed-handout.tsx): the token is never in this page's URL.
 */
import { notFound } from 'next/navigation';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { feedHandoutDetails } from '@/db/queries/feeds';
import { requirePageStaff } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { parseId } from '@/lib/validation/ids';
import { FeedHandout } from './_components/feed-handout';

export const metadata = { title: 'Calendar handout', referrer: 'no-referrer' };

type Props = { params: Promise<{ id: string }> };

export default async function FeedHandoutPage({ params }: Props) {
  const { id } = await params;
  const staff = await requirePageStaff('feeds:manage', `/patients/${id}/feed-handout`);
  let details: ReturnType<typeof feedHandoutDetails>;
  let patientId: number;
  try {
    patientId = parseId(id, 'patient');
    details = feedHandoutDetails(getDb(), staff.clinicId, patientId);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  recordRead(getDb(), staff, { resource: 'patient', entityId: patientId, patientIds: [patientId], detail: { page: 'feed-handout' } });
  // The handout names the patient by first name and initial only: it is paired with a private link.
  const addressee = `${details.givenName} ${[...details.familyName.trim()][0] ?? ''}.`;
  const phone = details.phone24h;

  const header = (
    <header className="feed-sheet-header">
      <p className="feed-sheet-clinic">{details.clinicName}</p>
      <h1>Your pump refill calendar</h1>
      <p>
        Prepared for <strong>{addressee}</strong>
      </p>
      <p className="feed-sheet-warning">
        <strong>
          The calendar is a reminder, not an alarm system. If your pump alarm sounds, call the 24/7 pump line at once:{' '}
          {phone}
        </strong>
        , whatever the calendar says.
      </p>
    </header>
  );

  return (
    <main className="feed-handout">
      <FeedHandout patientId={patientId} backLabel={`Back to ${details.givenName} ${details.familyName}`} header={header}>
        <section aria-labelledby="feed-h-iphone">
          <h2 id="feed-h-iphone">iPhone or iPad</h2>
          <ul>
            <li>
              Scan the QR code with the Camera app, tap the link, then tap <strong>Subscribe</strong>; or
            </li>
            <li>
              go to <strong>Settings → Calendar → Accounts → Add Account → Other → Add Subscribed Calendar</strong> (on iOS 18
              and later: <strong>Settings → Apps → Calendar → Calendar Accounts</strong>), type the link and tap{' '}
              <strong>Next → Save</strong>.
            </li>
            <li>
              In the same place, turn <strong>Remove Alerts</strong> off to keep the reminders.
            </li>
          </ul>
        </section>
        <section aria-labelledby="feed-h-android">
          <h2 id="feed-h-android">Android (Google Calendar)</h2>
          <ol>
            <li>
              On a computer, open <strong>calendar.google.com</strong> with the Google account your phone uses.
            </li>
            <li>
              Next to <strong>Other calendars</strong> click <strong>+ → From URL</strong>, type the link and click{' '}
              <strong>Add calendar</strong>.
            </li>
            <li>
              On the phone, open Google Calendar → <strong>Settings</strong>, tap the new calendar and check that{' '}
              <strong>Sync</strong> is on.
            </li>
          </ol>
          <p>
            Google does not use the reminders of a subscribed calendar and can take a day or more to show a change. If you rely
            on reminders, copy each appointment into your own calendar and add a notification there.
          </p>
        </section>
        <section aria-labelledby="feed-h-outlook">
          <h2 id="feed-h-outlook">Outlook</h2>
          <ul>
            <li>
              Outlook on the web, Outlook.com and the new Outlook for Windows: <strong>Calendar → Add calendar → Subscribe
              from web</strong>, type the link, give it a name, <strong>Import</strong>.
            </li>
            <li>
              Classic Outlook for Windows: <strong>Home → Add Calendar → From Internet…</strong>, type the link,{' '}
              <strong>OK</strong>.
            </li>
          </ul>
        </section>
        <section aria-labelledby="feed-h-shows">
          <h2 id="feed-h-shows">What your calendar shows</h2>
          <ul>
            <li>Your appointments, with the clinic&rsquo;s address and 24/7 phone number, and a reminder 2 hours before.</li>
            <li>
              <strong>&ldquo;Pump refill due by this date&rdquo;</strong>: the last day your pump should be refilled, with
              reminders 7 days and 1 day before.
            </li>
            <li>
              <strong>&ldquo;Pump low-reservoir alarm expected&rdquo;</strong>: the day the pump alarm would start if it were
              not refilled in time.
            </li>
            <li>No drug, dose, record number or surname.</li>
            <li>
              Changes can take an hour or more to appear (Google: a day or more). The clinic phones you about any change that
              matters in the next day or two.
            </li>
          </ul>
        </section>
        <section aria-labelledby="feed-h-private">
          <h2 id="feed-h-private">Keep the link private</h2>
          <p>
            Anyone with the link can see your appointment dates. If you shared it by mistake or lost a phone that had it, call{' '}
            {details.clinicName}
            {details.phoneOffice ? ` on ${details.phoneOffice}` : ''} and ask for a new calendar link: the old one stops
            working at once.
          </p>
        </section>
      </FeedHandout>
    </main>
  );
}
