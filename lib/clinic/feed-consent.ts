/**
 * The patient's consent to their first name in their own calendar feed (issue 16, item 10): per patient, recorded
 * with its date and who recorded it, like the reminder consent; no clinic-wide switch. Without it the feed shows no
 * name. The feed's DTSTAMP follows feed_first_name_consent_changed_at, so subscribed calendars pick the change up.
 */
import { and, eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '@/db/client';
import { audit } from '@/db/queries/audit';
import { feedFirstNameConsent } from '@/db/queries/feeds';
import { assertSameVersion } from '@/db/queries/versioning';
import * as s from '@/db/schema';
import type { FeedFirstNameConsent, FeedFirstNameConsentInput } from '@/lib/validation/feeds';
import type { ClinicActor } from './actor';

/**
 * Records (or withdraws) the consent. A consent keeps the date it was first given; withdrawing clears it. Bumps the
 * patient record's version, so a concurrent edit of the record or the consent is a 409. Recording what is already
 * recorded writes nothing.
 */
export function recordFeedFirstNameConsent(
  db: Db,
  actor: Pick<ClinicActor, 'id' | 'name' | 'clinicId'>,
  patientId: number,
  input: FeedFirstNameConsentInput,
  now: number,
): FeedFirstNameConsent {
  return writeTransaction(db, (tx) => {
    const current = feedFirstNameConsent(tx, actor.clinicId, patientId);
    assertSameVersion('patient record', input.version, current.version);
    if (input.consent === (current.consentedAt != null)) return current;
    const consentedAt = input.consent ? now : null;
    const updated = tx
      .update(s.patients)
      .set({
        feedFirstNameConsentedAt: consentedAt,
        feedFirstNameConsentRecordedById: actor.id,
        feedFirstNameConsentChangedAt: now,
        version: current.version + 1,
        updatedAt: now,
      })
      .where(and(eq(s.patients.id, patientId), eq(s.patients.version, current.version)))
      .returning({ id: s.patients.id })
      .get();
    if (!updated) assertSameVersion('patient record', input.version, current.version + 1);
    audit(
      tx,
      actor,
      'update',
      'patient-feed-first-name-consent',
      patientId,
      { consentedAt: current.consentedAt },
      { consentedAt },
    );
    return feedFirstNameConsent(tx, actor.clinicId, patientId);
  });
}
