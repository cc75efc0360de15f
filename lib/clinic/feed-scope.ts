/**
 * What a staff member's own clinic calendar feed shows (decision 026): "mine" (the patients whose managing
 * physician they are) or the whole clinic. Stored per staff member and audited; the feed follows at its next fetch.
 */
import { writeTransaction, type Db } from '@/db/client';
import { audit } from '@/db/queries/audit';
import { staffFeedScope, type StaffFeedScopeStatus } from '@/db/queries/feeds';
import * as s from '@/db/schema';
import type { StaffFeedScope } from '@/lib/domain/vocabulary';
import { ConflictError } from '@/lib/errors';
import type { ClinicActor } from './actor';

/**
 * Records the choice. "mine" is refused while no patient names the staff member as managing physician (the feed
 * would be empty, and an empty calendar looks like "nothing to do"). Choosing what already applies by default
 * records the choice too (a later change of assignments then no longer moves it).
 */
export function setStaffFeedScope(
  db: Db,
  actor: Pick<ClinicActor, 'id' | 'name' | 'clinicId'>,
  scope: StaffFeedScope,
  now: number,
): StaffFeedScopeStatus {
  return writeTransaction(db, (tx) => {
    // The prepared lookups run on the same connection, inside this transaction.
    const current = staffFeedScope(db, actor.clinicId, actor.id);
    if (scope === 'mine' && current.managedPatients === 0)
      throw new ConflictError(
        'No patient has you as managing physician, so "my patients" would be an empty calendar. Choose the whole clinic.',
      );
    if (current.chosen && current.scope === scope) return current;
    tx.insert(s.staffFeedSettings)
      .values({ userId: actor.id, scope, updatedAt: now })
      .onConflictDoUpdate({ target: s.staffFeedSettings.userId, set: { scope, updatedAt: now } })
      .run();
    audit(
      tx,
      actor,
      'update',
      'staff-feed-scope',
      actor.id,
      { scope: current.scope, chosen: current.chosen },
      { scope, chosen: true },
    );
    return staffFeedScope(db, actor.clinicId, actor.id);
  });
}
