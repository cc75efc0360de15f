/**
 * The alerts of a pump beyond the forecast engine's: acknowledgements and snoozes of engine alerts, and the
 * record-based E5 alerts (a residual discrepancy found at a refill) that stay open until a physician reviews
 * them. An acknowledgement covers an alert at the severity acknowledged; a worse severity brings it back, and a
 * snooze ends at its time. An E5 alert is never covered: only a review closes it (docs/decisions/006).
 */
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { discrepancyAlertSeverity, fmtMl, severityRank, sortAlerts } from '@/lib/domain/alerts';
import { formatInstantForHumans } from '@/lib/domain/calendar';
import type { Alert, Severity } from '@/lib/domain/types';
import type { Db } from '../client';
import * as s from '../schema';

export type Ack = typeof s.alertAcknowledgements.$inferSelect;

/** An alert as the app shows it: an engine alert, or a record-based one naming the visit that a review closes. */
export interface PumpAlert extends Alert {
  /** Set on E5: the refill visit whose discrepancy a physician must review. */
  review?: { visitId: number; performedAt: number };
}

export function activeAcknowledgements(db: Pick<Db, 'select'>, pumpIds: number[], now: number): Map<number, Ack[]> {
  const map = new Map<number, Ack[]>();
  if (pumpIds.length === 0) return map;
  const rows = db
    .select()
    .from(s.alertAcknowledgements)
    .where(inArray(s.alertAcknowledgements.pumpId, pumpIds))
    .orderBy(desc(s.alertAcknowledgements.at))
    .all();
  for (const r of rows) {
    if (r.action === 'snooze' && (r.snoozedUntil ?? 0) <= now) continue;
    const list = map.get(r.pumpId) ?? [];
    list.push(r);
    map.set(r.pumpId, list);
  }
  return map;
}

/** The acknowledgement or snooze covering the alert now, if any; never for an E5 awaiting review. */
export function coveringAck(alert: PumpAlert, acks: Ack[], now: number): Ack | undefined {
  if (alert.review) return undefined;
  return acks.find(
    (a) =>
      a.code === alert.code &&
      severityRank(alert.severity) <= severityRank(a.severity as Severity) &&
      (a.action === 'acknowledge' || (a.snoozedUntil ?? 0) > now),
  );
}

export function isCovered(alert: PumpAlert, acks: Ack[], now: number): boolean {
  return coveringAck(alert, acks, now) !== undefined;
}

export function applyAcknowledgements<A extends PumpAlert>(
  alerts: A[],
  acks: Ack[],
  now: number,
): (A & { acknowledged: boolean })[] {
  return alerts.map((a) => ({ ...a, acknowledged: isCovered(a, acks, now) }));
}

/**
 * The rank of the worst alert nobody has acted on: 0 none, 1 info, 2 warn, 3 high, 4 critical (the scale of
 * pump_forecasts.worstAlertRank). Acknowledged and snoozed alerts do not count: a person has acted on them.
 */
export function worstOpenAlertRank(alerts: PumpAlert[], acks: Ack[], now: number): number {
  let worst = 0;
  for (const a of alerts) if (!isCovered(a, acks, now)) worst = Math.max(worst, severityRank(a.severity) + 1);
  return worst;
}

/** The engine's alerts with the pump's open E5 alerts, most severe first. */
export function withRecordAlerts(engine: Alert[], record: PumpAlert[] | undefined): PumpAlert[] {
  return record && record.length ? sortAlerts([...engine, ...record]) : engine;
}

const ml = (microlitres: number | null) => (microlitres == null ? null : microlitres / 1000);

/**
 * The open record-based alerts (E5) of the given pumps, by pump: every refill visit whose residual discrepancy
 * was flagged and that no physician has reviewed yet (discrepancyReviewedAt null). The severity is the one the
 * refill stored (discrepancySeverity); a visit stored without it (recorded before severities were stored) takes
 * it from its flag and the drug's withdrawal risk (lib/domain discrepancyAlertSeverity), and only when it is the
 * pump's latest visit: a later refill checked the residual again (docs/decisions/006).
 */
export function openDiscrepancyAlerts(db: Pick<Db, 'select'>, pumpIds: number[]): Map<number, PumpAlert[]> {
  const map = new Map<number, PumpAlert[]>();
  if (pumpIds.length === 0) return map;
  const v = s.refillVisits;
  const rows = db
    .select({
      id: v.id,
      pumpId: v.pumpId,
      performedAt: v.performedAt,
      flag: v.discrepancyFlag,
      storedSeverity: v.discrepancySeverity,
      discrepancyUl: v.discrepancyUl,
      expectedUl: v.expectedResidualUl,
      aspiratedUl: v.aspiratedResidualUl,
      drugName: s.drugs.name,
      withdrawalRisk: s.drugs.withdrawalRisk,
      timeZone: s.clinics.timeZone,
    })
    .from(v)
    .innerJoin(s.drugs, eq(s.drugs.id, v.drugId))
    .innerJoin(s.pumps, eq(s.pumps.id, v.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.clinics, eq(s.clinics.id, s.patients.clinicId))
    .where(
      and(
        inArray(v.pumpId, pumpIds),
        isNull(v.discrepancyReviewedAt),
        or(
          inArray(v.discrepancySeverity, ['high', 'critical']),
          and(
            isNull(v.discrepancySeverity),
            inArray(v.discrepancyFlag, ['over-delivery', 'under-infusion']),
            sql`${v.performedAt} = (select max(r2.performed_at) from refill_visits r2 where r2.pump_id = ${v.pumpId})`,
          ),
        ),
      ),
    )
    .orderBy(desc(v.performedAt))
    .all();
  for (const r of rows) {
    const severity =
      r.storedSeverity === 'high' || r.storedSeverity === 'critical'
        ? r.storedSeverity
        : discrepancyAlertSeverity(r.flag, r.withdrawalRisk);
    if (!severity) continue;
    const list = map.get(r.pumpId) ?? [];
    list.push({
      code: 'E5',
      severity,
      message: discrepancyMessage(r),
      review: { visitId: r.id, performedAt: r.performedAt },
    });
    map.set(r.pumpId, list);
  }
  return map;
}

function discrepancyMessage(r: {
  performedAt: number;
  flag: string | null;
  discrepancyUl: number | null;
  expectedUl: number | null;
  aspiratedUl: number | null;
  drugName: string;
  timeZone: string;
}): string {
  const expected = ml(r.expectedUl);
  const aspirated = ml(r.aspiratedUl);
  const d = ml(r.discrepancyUl) ?? (expected != null && aspirated != null ? expected - aspirated : null);
  const numbers =
    expected != null && aspirated != null
      ? ` expected ${fmtMl(expected)}, aspirated ${fmtMl(aspirated)}${d != null ? ` (${d > 0 ? '+' : d < 0 ? '−' : ''}${fmtMl(Math.abs(d))})` : ''}:`
      : '';
  const what =
    r.flag === 'under-infusion'
      ? `less ${r.drugName} was delivered than programmed (possible motor stall, occlusion or catheter problem). Check for withdrawal signs and catheter integrity.`
      : `more ${r.drugName} left the reservoir than programmed. Check for overdose signs, a pocket fill or incomplete aspiration.`;
  return `Residual discrepancy at the refill of ${formatInstantForHumans(r.performedAt, r.timeZone)}:${numbers} ${what} Open until a physician reviews it.`;
}

export function acknowledgeAlert(
  db: Pick<Db, 'insert'>,
  input: { pumpId: number; code: string; severity: Severity; action: 'acknowledge' | 'snooze'; reason: string; snoozedUntil: number | null; byUserId: string },
): Ack {
  return db.insert(s.alertAcknowledgements).values(input).returning().get();
}

export function latestAcks(db: Pick<Db, 'select'>, pumpId: number, code: string): Ack[] {
  return db
    .select()
    .from(s.alertAcknowledgements)
    .where(and(eq(s.alertAcknowledgements.pumpId, pumpId), eq(s.alertAcknowledgements.code, code)))
    .orderBy(desc(s.alertAcknowledgements.at))
    .all();
}
