/**
 * A physician's review of a residual discrepancy found at a refill (E5, reference.md B4/E5: "should be
 * evaluated", S33). The review is the only way an E5 alert closes: acknowledging or snoozing it is refused
 * (docs/decisions/006).
 */
import { and, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { type DiscrepancyReviewInput } from '@/lib/validation/patient';
import { writeTransaction, type Db } from '@/db/client';
import * as s from '@/db/schema';
import { openDiscrepancyAlerts } from '@/db/queries/alerts';
import { audit } from '@/db/queries/audit';
import { computeForecasts, loadForecastContexts, refreshForecasts } from '@/db/queries/forecasts';
import { pumpAlertDtos, type AlertDto } from '@/db/queries/dtos';
import { pumpInClinic } from '@/db/queries/pumps';
import type { ClinicActor } from './actor';

/**
 * Records the review of visit `visitId`'s discrepancy on pump `pumpId` and answers the pump's alerts, the E5
 * gone. The caller has checked that the actor is a physician (permission 'discrepancies:review').
 */
export function reviewDiscrepancy(
  db: Db,
  actor: ClinicActor,
  pumpId: number,
  visitId: number,
  input: DiscrepancyReviewInput,
  now: number,
): { visitId: number; reviewedAt: number; alerts: AlertDto[] } {
  return writeTransaction(db, (tx) => {
    pumpInClinic(tx, actor.clinicId, pumpId);
    const visit = tx
      .select({
        id: s.refillVisits.id,
        reviewedAt: s.refillVisits.discrepancyReviewedAt,
        flag: s.refillVisits.discrepancyFlag,
        severity: s.refillVisits.discrepancySeverity,
        discrepancyUl: s.refillVisits.discrepancyUl,
      })
      .from(s.refillVisits)
      .where(and(eq(s.refillVisits.id, visitId), eq(s.refillVisits.pumpId, pumpId)))
      .get();
    if (!visit) throw new NotFoundError(`Pump ${pumpId} has no refill visit ${visitId}.`);
    if (visit.reviewedAt != null)
      throw new ConflictError(`The discrepancy of visit ${visitId} is already reviewed.`);
    const alert = openDiscrepancyAlerts(tx, [pumpId])
      .get(pumpId)
      ?.find((a) => a.review?.visitId === visitId);
    if (!alert) {
      const message = `Visit ${visitId} has no open residual discrepancy (E5) to review`;
      throw new ValidationError(message, { visitId: message });
    }
    tx.update(s.refillVisits)
      .set({
        discrepancyReviewedById: actor.id,
        discrepancyReviewedAt: now,
        discrepancyReviewNote: input.note,
      })
      .where(eq(s.refillVisits.id, visitId))
      .run();
    audit(
      tx,
      actor,
      'review',
      'refill_visit',
      visitId,
      { discrepancyReviewedAt: null },
      {
        pumpId,
        code: 'E5',
        severity: alert.severity,
        discrepancyFlag: visit.flag,
        discrepancyUl: visit.discrepancyUl,
        discrepancyReviewedAt: now,
        note: input.note,
        message: alert.message,
      },
    );
    // The reviewed alert stops driving the worklist rank.
    refreshForecasts(tx, { pumpIds: [pumpId] }, now);
    const [result] = computeForecasts(loadForecastContexts(tx, { pumpIds: [pumpId] }, now));
    return {
      visitId,
      reviewedAt: now,
      alerts: pumpAlertDtos(tx, actor.clinicId, pumpId, result?.forecast.alerts ?? [], now),
    };
  });
}
