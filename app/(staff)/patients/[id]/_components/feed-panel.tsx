/**
 * The patient page's calendar-feed panel (a server component): whether the patient has a calendar link, and
 * for physicians and nurses (feeds:manage) the controls to create, rotate and revoke it. A new link is shown once,
 * with its QR code and a print handout; only its hash is stored.
 */
import { getDb } from '@/db';
import { clinicTimeZone, feedFirstNameConsent, feedStatus, patientFeedOwner } from '@/db/queries/feeds';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { FeedLinkManager } from '../../../_components/feed-link-manager';
import { FeedNameConsent } from './feed-name-consent';

export async function FeedPanel({ patientId }: { patientId: number }) {
  const staff = await requirePageStaff('patients:read', `/patients/${patientId}`);
  if (!can(staff.role, 'feeds:manage')) return null;
  const db = getDb();
  let status: ReturnType<typeof feedStatus>;
  let consent: ReturnType<typeof feedFirstNameConsent>;
  try {
    status = feedStatus(db, patientFeedOwner(db, staff.clinicId, patientId));
    consent = feedFirstNameConsent(db, staff.clinicId, patientId);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  const timeZone = clinicTimeZone(db, staff.clinicId);
  return (
    <section className="card stack" aria-labelledby="feed-panel-heading" data-testid="feed-panel">
      <h2 id="feed-panel-heading" style={{ margin: 0 }}>
        Calendar link
      </h2>
      <p className="small muted">
        A private link the patient (or a carer) adds to their phone&rsquo;s calendar: appointments, the refill due date and
        the expected alarm date, with no drug, dose or record number. It is a reminder, not an alarm system.
      </p>
      <FeedLinkManager kind="patient" initial={status} timeZone={timeZone} patientId={patientId} />
      <FeedNameConsent consent={consent} timeZone={timeZone} />
    </section>
  );
}
