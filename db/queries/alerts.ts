/**
 * Acknowledged and snoozed alerts. An acknowledgement covers an alert at the severity acknowledged; a worse
 * severity brings it back, and a snooze ends at its time.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Alert, Severity } from '@/lib/domain/types';
import type { Db } from '../client';
import * as s from '../schema';

const severityOrder: Record<Severity, number> = { info: 0, warn: 1, high: 2, critical: 3 };

export type Ack = typeof s.alertAcknowledgements.$inferSelect;

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

export function isCovered(alert: Alert, acks: Ack[], now: number): boolean {
  return acks.some(
    (a) =>
      a.code === alert.code &&
      severityOrder[alert.severity] <= severityOrder[a.severity as Severity] &&
      (a.action === 'acknowledge' || (a.snoozedUntil ?? 0) > now),
  );
}

export function applyAcknowledgements(alerts: Alert[], acks: Ack[], now: number): (Alert & { acknowledged: boolean })[] {
  return alerts.map((a) => ({ ...a, acknowledged: isCovered(a, acks, now) }));
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
