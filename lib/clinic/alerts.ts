/** Acknowledging or snoozing an alert, with a reason: the alert stays visible and the action is audited. */
import { type AlertActionInput } from '@/lib/validation/patient';
import { writeTransaction, type Db } from '@/db/client';
import { acknowledgeAlert } from '@/db/queries/alerts';
import { audit } from '@/db/queries/audit';
import { computeForecasts, loadForecastContexts, refreshForecasts } from '@/db/queries/forecasts';
import { pumpInClinic } from '@/db/queries/pumps';
import { type AlertDto, pumpAlertDtos } from '@/db/queries/dtos';
import { fail } from './field-errors';
import type { ClinicActor } from './actor';

const DAY_MS = 86_400_000;

/**
 * Acknowledges or snoozes an alert the pump raises NOW, at its current severity (never a severity a client
 * claims): a worse severity later brings it back (db/queries/alerts.ts isCovered), and a snooze ends at its time.
 */
export function actOnAlert(
  db: Db,
  actor: ClinicActor,
  pumpId: number,
  input: AlertActionInput,
  now: number,
): AlertDto[] {
  return writeTransaction(db, (tx) => {
    pumpInClinic(tx, actor.clinicId, pumpId);
    const [result] = computeForecasts(loadForecastContexts(tx, { pumpIds: [pumpId] }, now));
    if (!result)
      fail('(body)', 'This pump has no forecast (explanted, or no fill recorded): it raises no alerts.');
    if (input.code === 'E5')
      fail(
        'code',
        'A residual discrepancy (E5) cannot be acknowledged or snoozed: it stays open until a physician reviews it with a note',
      );
    const alert = result.forecast.alerts.find((a) => a.code === input.code);
    if (!alert) fail('code', `Alert ${input.code} is not raised for this pump now`);
    const snoozedUntil = input.action === 'snooze' ? now + (input.snoozeDays ?? 1) * DAY_MS : null;
    const ack = acknowledgeAlert(tx, {
      pumpId,
      code: alert.code,
      severity: alert.severity,
      action: input.action,
      reason: input.reason,
      snoozedUntil,
      byUserId: actor.id,
    });
    audit(tx, actor, input.action, 'alert', `${pumpId}:${alert.code}`, null, {
      ackId: ack.id,
      severity: alert.severity,
      reason: input.reason,
      snoozedUntil,
      message: alert.message,
    });
    // The acknowledged alert stops driving the worklist rank (pump_forecasts.worstAlertRank).
    refreshForecasts(tx, { pumpIds: [pumpId] }, now);
    return pumpAlertDtos(tx, actor.clinicId, pumpId, result.forecast.alerts, now);
  });
}
