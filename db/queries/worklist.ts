/**
 * The worklist: every active pump of a clinic ranked by risk from its stored forecast. The status is
 * derived in SQL from the stored instants and today's clinic-local date, so ranking 10,000 pumps needs no
 * forecasting; only the page shown is forecast again for its alerts.
 */
import { and, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { addDaysToLocalDate, localDateOf } from '@/lib/domain/calendar';
import type { Alert, ForecastStatus } from '@/lib/domain/types';
import type { Db } from '../client';
import * as s from '../schema';
import { computeForecasts, loadForecastContexts } from './forecasts';
import { activeAcknowledgements, applyAcknowledgements } from './alerts';

export const worklistStatuses = ['empty', 'critical', 'overdue', 'due-soon', 'ok'] as const;

export interface WorklistFilter {
  status?: ForecastStatus;
  physicianId?: string;
  q?: string;
  dueFrom?: string;
  dueTo?: string;
  page?: number;
  pageSize?: number;
}

export interface WorklistRow {
  pumpId: number;
  patientId: number;
  mrn: string;
  patientName: string;
  physicianName: string | null;
  pumpLabel: string;
  status: ForecastStatus;
  refillDueOn: string;
  lowReservoirAlarmAt: number | null;
  emptyAt: number | null;
  daysOfDrugLeft: number;
  nextAppointmentAt: number | null;
  appointmentLate: boolean;
  alerts: (Alert & { acknowledged: boolean })[];
  cardOutdated: boolean;
}

export interface WorklistPage {
  rows: WorklistRow[];
  total: number;
  page: number;
  pageSize: number;
  counts: Record<ForecastStatus, number>;
  today: string;
  timeZone: string;
}

export function statusSql(now: number, today: string, dueSoonLimit: string): SQL<number> {
  return sql<number>`case
    when ${s.pumpForecasts.emptyAt} <= ${now} then 0
    when ${s.pumpForecasts.lowReservoirAlarmAt} <= ${now} then 1
    when ${s.pumpForecasts.refillDueOn} < ${today} then 2
    when ${s.pumpForecasts.refillDueOn} <= ${dueSoonLimit} then 3
    else 4 end`;
}

export function listWorklist(db: Db, clinicId: number, filter: WorklistFilter, now: number): WorklistPage {
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) throw new Error(`Clinic ${clinicId} not found`);
  const today = localDateOf(now, clinic.timeZone);
  const dueSoonLimit = addDaysToLocalDate(today, clinic.dueSoonDays);
  const rank = statusSql(now, today, dueSoonLimit);
  const pageSize = Math.min(Math.max(filter.pageSize ?? 50, 1), 200);
  const page = Math.max(filter.page ?? 1, 1);

  const conditions: (SQL | undefined)[] = [eq(s.pumpForecasts.clinicId, clinicId)];
  if (filter.physicianId) conditions.push(eq(s.patients.managingPhysicianId, filter.physicianId));
  if (filter.dueFrom) conditions.push(gte(s.pumpForecasts.refillDueOn, filter.dueFrom));
  if (filter.dueTo) conditions.push(lte(s.pumpForecasts.refillDueOn, filter.dueTo));
  if (filter.q?.trim()) {
    const q = `%${filter.q.trim().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(
        sql`${s.patients.mrn} like ${q} escape '\\'`,
        sql`(${s.patients.givenName} || ' ' || ${s.patients.familyName}) like ${q} escape '\\'`,
        sql`(${s.patients.familyName} || ', ' || ${s.patients.givenName}) like ${q} escape '\\'`,
      ),
    );
  }
  const base = and(...conditions);
  const statusIndex = filter.status ? worklistStatuses.indexOf(filter.status) : -1;
  const where = statusIndex >= 0 ? and(base, sql`${rank} = ${statusIndex}`) : base;

  // Rank and cut the page from pump_forecasts alone (a covering index); join patients only to filter by them.
  const needsPatients = !!filter.physicianId || !!filter.q?.trim();
  const countQuery = db.select({ rank, n: sql<number>`count(*)` }).from(s.pumpForecasts);
  const countRows = (
    needsPatients
      ? countQuery.innerJoin(s.pumps, eq(s.pumps.id, s.pumpForecasts.pumpId)).innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
      : countQuery
  )
    .where(base)
    .groupBy(rank)
    .all();
  const counts = Object.fromEntries(worklistStatuses.map((st) => [st, 0])) as Record<ForecastStatus, number>;
  for (const c of countRows) counts[worklistStatuses[c.rank] ?? 'ok'] = c.n;
  const total = statusIndex >= 0 ? counts[worklistStatuses[statusIndex]!] : Object.values(counts).reduce((a, b) => a + b, 0);

  const appointmentRank = sql<number>`case when ${s.pumpForecasts.nextAppointmentAt} is null then 0 when ${s.pumpForecasts.appointmentLate} then 1 else 2 end`;
  const pageQuery = db.select({ pumpId: s.pumpForecasts.pumpId }).from(s.pumpForecasts);
  const pageIds = (
    needsPatients
      ? pageQuery.innerJoin(s.pumps, eq(s.pumps.id, s.pumpForecasts.pumpId)).innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
      : pageQuery
  )
    .where(where)
    .orderBy(rank, appointmentRank, s.pumpForecasts.refillDueOn, s.pumpForecasts.lowReservoirAlarmAt, s.pumpForecasts.pumpId)
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all()
    .map((r) => r.pumpId);
  const order = new Map(pageIds.map((id, i) => [id, i]));
  const rows = db
    .select({
      pumpId: s.pumps.id,
      patientId: s.patients.id,
      mrn: s.patients.mrn,
      givenName: s.patients.givenName,
      familyName: s.patients.familyName,
      physicianName: s.users.name,
      modelName: s.pumpModels.name,
      modelNumber: s.pumpModels.modelNumber,
      rank,
      refillDueOn: s.pumpForecasts.refillDueOn,
      lowReservoirAlarmAt: s.pumpForecasts.lowReservoirAlarmAt,
      emptyAt: s.pumpForecasts.emptyAt,
      nextAppointmentAt: s.pumpForecasts.nextAppointmentAt,
      appointmentLate: s.pumpForecasts.appointmentLate,
    })
    .from(s.pumpForecasts)
    .innerJoin(s.pumps, eq(s.pumps.id, s.pumpForecasts.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
    .leftJoin(s.users, eq(s.users.id, s.patients.managingPhysicianId))
    .where(inArray(s.pumpForecasts.pumpId, pageIds.length ? pageIds : [-1]))
    .all()
    .sort((a, b) => (order.get(a.pumpId) ?? 0) - (order.get(b.pumpId) ?? 0));

  const ids = rows.map((r) => r.pumpId);
  const forecasts = new Map(
    computeForecasts(loadForecastContexts(db, { pumpIds: ids }, now)).map((r) => [r.context.pumpId, r]),
  );
  const acks = activeAcknowledgements(db, ids, now);
  const outdated = outdatedCards(db, ids);

  return {
    rows: rows.map((r) => {
      const f = forecasts.get(r.pumpId);
      const alerts = f ? applyAcknowledgements(f.forecast.alerts, acks.get(r.pumpId) ?? [], now) : [];
      return {
        pumpId: r.pumpId,
        patientId: r.patientId,
        mrn: r.mrn,
        patientName: `${r.familyName}, ${r.givenName}`,
        physicianName: r.physicianName,
        pumpLabel: `${r.modelName} ${r.modelNumber}`,
        status: f?.forecast.status ?? worklistStatuses[r.rank] ?? 'ok',
        refillDueOn: r.refillDueOn,
        lowReservoirAlarmAt: r.lowReservoirAlarmAt,
        emptyAt: r.emptyAt,
        daysOfDrugLeft: f?.forecast.daysToAlarm ?? 0,
        nextAppointmentAt: r.nextAppointmentAt,
        appointmentLate: r.appointmentLate,
        alerts,
        cardOutdated: outdated.has(r.pumpId),
      };
    }),
    total,
    page,
    pageSize,
    counts,
    today,
    timeZone: clinic.timeZone,
  };
}

/**
 * Pumps whose last printed card no longer matches: the program or the last refill changed after it was
 * printed. A pump never printed counts as outdated too.
 */
export function outdatedCards(db: Pick<Db, 'all'>, pumpIds: number[]): Set<number> {
  if (pumpIds.length === 0) return new Set();
  const rows = db.all<{ pumpId: number }>(sql`
    select p.id as pumpId from pumps p
    where p.id in (${sql.join(pumpIds.map((id) => sql`${id}`), sql`, `)})
      and coalesce((select max(cp.created_at) from card_prints cp where cp.pump_id = p.id and cp.kind = 'card'), 0) <
          max(coalesce((select max(dp.effective_at) from drug_programs dp where dp.pump_id = p.id), 0),
              coalesce((select max(rv.performed_at) from refill_visits rv where rv.pump_id = p.id), 0))`);
  return new Set(rows.map((r) => r.pumpId));
}
