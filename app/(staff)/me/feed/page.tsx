/** The signed-in staff member's own clinic calendar feed link (feeds:own). */
import { getDb } from '@/db';
import { CLINIC_FEED_WINDOW, clinicTimeZone, feedStatus, staffFeedScope } from '@/db/queries/feeds';
import { requirePageStaff } from '@/lib/auth/session';
import { FeedLinkManager } from '../../_components/feed-link-manager';
import { FeedScopePicker } from './_components/feed-scope-picker';

export const metadata = { title: 'My clinic calendar', referrer: 'no-referrer' };

export default async function MyFeedPage() {
  const staff = await requirePageStaff('feeds:own', '/me/feed');
  const db = getDb();
  const status = feedStatus(db, { kind: 'clinic', clinicId: staff.clinicId, userId: staff.id });
  const scope = staffFeedScope(db, staff.clinicId, staff.id);
  return (
    <div className="stack feed-page">
      <div className="page-head">
        <h1>My clinic calendar</h1>
        <p className="muted">
          A private calendar link for your work calendar: the appointments of the next {CLINIC_FEED_WINDOW.days} days, and
          one entry a day listing the pumps whose refill is still to arrange (today&rsquo;s lists every overdue pump), for
          your patients or the whole clinic.
        </p>
      </div>
      <section className="card stack" aria-labelledby="my-feed-heading">
        <h2 id="my-feed-heading" style={{ margin: 0 }}>
          Your link
        </h2>
        <FeedLinkManager
          kind="clinic"
          initial={status}
          timeZone={clinicTimeZone(db, staff.clinicId)}
        />
        <FeedScopePicker initial={scope} />
      </section>
      <section className="card" aria-labelledby="my-feed-rules">
        <h2 id="my-feed-rules" style={{ marginTop: 0 }}>
          Before you subscribe
        </h2>
        <ul>
          <li>
            Patients appear by initials and pump number only (no name or record number). Add the link to your <strong>work</strong> calendar, never
            to a personal or shared family calendar, and do not forward it.
          </li>
          <li>The calendar has no reminders. Use the worklist for what is due today; calendar apps may take hours to update.</li>
          <li>
            If the link may have leaked (a lost phone, a forwarded email), rotate it here: the old link stops working at once.
            It also stops working if your account is disabled.
          </li>
        </ul>
      </section>
    </div>
  );
}
