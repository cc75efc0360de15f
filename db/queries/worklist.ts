/**
 * The worklist: every active pump of a clinic ranked by risk from its stored forecast. The time-driven status
 * is derived in SQL from the stored instants and today's clinic-local date, and combined with the worst open
 * alert stored by refreshForecasts (pump_forecasts.worstAlertRank, E5 included), so ranking 10,000 pumps needs
 * no forecasting; only the page shown is forecast again for its alerts. docs/decisions/006 explains the rank.
 */
import { and, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import type { ForecastStatus } from '@/lib/domain/types';
import type { Db } from '../client';
import * as s from '../schema';
import { outdatedPrints } from './cards';
import { computeForecasts, loadForecastContexts } from './forecasts';
import {
  activeAcknowledgements,
  applyAcknowledgements,
  openDiscrepancyAlerts,
  withRecordAlerts,
  worstOpenAlertRank,
  type PumpAlert,
} from './alerts';

/**
 * The worklist's tiers, most dangerous first. A tier is the more urgent of the time-driven status and the
 * worst open alert: a CRITICAL alert puts the pump in "critical" at least, HIGH in "overdue", WARN in
 * "due-soon" (tierOfAlertRank), so no row shows a chip milder than its worst alert.
 */
export const worklistStatuses = ['empty', 'critical', 'overdue', 'due-soon', 'ok'] as const;

/** The least urgent tier an alert of this rank (0 none … 4 critical) allows. */
export function tierOfAlertRank(rank: number): number {
  return rank >= 4 ? 1 : rank === 3 ? 2 : rank === 2 ? 3 : 4;
}

export interface WorklistFilter {
  status?: ForecastStatus;
  physicianId?: string;
  q?: string;
  dueFrom?: string;
  dueTo?: string;
  /**
   * `today`: the pumps with an appointment booked today (clinic-local) plus every pump overdue or worse (tiers
   * empty, critical and "overdue or high alert"). `mine`: the patients `viewerId` manages (a physician's).
   */
  view?: 'today' | 'mine';
  /** The signed-in user, for `view: 'mine'`; resolved by the handler, never taken from the query string. */
  viewerId?: string;
  page?: number;
  pageSize?: number;
  /** Only these pumps (the recall list ranks its selection with the worklist's order). */
  pumpIds?: number[];
}

export interface WorklistRow {
  pumpId: number;
  patientId: number;
  mrn: string;
  patientName: string;
  /** The patient's phone, to call from the row. */
  phone: string;
  physicianName: string | null;
  pumpLabel: string;
  /** A constant-flow pump (Codman 3000): no alarm, its "alarm" volume is the clinic's reserve. */
  constantFlow: boolean;
  /** The worst-case volume now, from the page's fresh forecast (null without one). */
  volumeNowMl: number | null;
  /** The tier (chip): never milder than the time-driven status nor than the worst open alert. */
  status: ForecastStatus;
  /** The engine's time-driven status (empty, past alarm, overdue, due soon, ok). */
  forecastStatus: ForecastStatus;
  /** The worst open alert, or null: what made the tier more urgent than the status, if it did. */
  worstAlert: { code: string; severity: PumpAlert['severity'] } | null;
  refillDueOn: string;
  lowReservoirAlarmAt: number | null;
  emptyAt: number | null;
  daysOfDrugLeft: number;
  nextAppointmentAt: number | null;
  appointmentLate: boolean;
  alerts: (PumpAlert & { acknowledged: boolean })[];
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
  /** The instant the page was computed: what "alarm passed" is measured against on the client. */
  now: number;
}

/** The engine's time-driven status (lib/domain/forecast.ts) from the stored instants and due date: 0 empty … 4 ok. */
/**
 * The engine's status (lib/domain/forecast.ts) in SQL. `tomorrowStart` is the instant of the clinic's next
 * midnight: the status is critical from the start of the alarm's clinic-local day (E1: CRITICAL at LRA_date).
 */
export function statusSql(now: number, today: string, dueSoonLimit: string, tomorrowStart: number): SQL<number> {
  return sql<number>`case
    when ${s.pumpForecasts.emptyAt} <= ${now} then 0
    when ${s.pumpForecasts.lowReservoirAlarmAt} < ${tomorrowStart} then 1
    when ${s.pumpForecasts.refillDueOn} < ${today} then 2
    when ${s.pumpForecasts.refillDueOn} <= ${dueSoonLimit} then 3
    else 4 end`;
}

/** statusSql for a clinic at `now`: today and the due-soon limit in the clinic's own calendar. */
export function clinicStatusSql(clinic: Pick<s.Clinic, 'timeZone' | 'dueSoonDays'>, now: number): { today: string; status: SQL<number> } {
  const today = localDateOf(now, clinic.timeZone);
  const tomorrowStart = localDateTimeToInstant(addDaysToLocalDate(today, 1), '00:00', clinic.timeZone);
  return { today, status: statusSql(now, today, addDaysToLocalDate(today, clinic.dueSoonDays), tomorrowStart) };
}

/** The worst open alert rank (0 none … 4 critical): the stored one, or the time-driven E1 if worse. */
export function alertRankSql(status: SQL<number>): SQL<number> {
  return sql<number>`max(${s.pumpForecasts.worstAlertRank}, case when ${status} <= 1 then 4 when ${status} = 2 then 3 else 0 end)`;
}

/** The tier index (worklistStatuses): the time-driven status, made more urgent by the worst alert. */
export function tierSql(status: SQL<number>, alertRank: SQL<number>): SQL<number> {
  return sql<number>`min(${status}, case when ${alertRank} >= 4 then 1 when ${alertRank} = 3 then 2 when ${alertRank} = 2 then 3 else 4 end)`;
}

export function listWorklist(db: Db, clinicId: number, filter: WorklistFilter, now: number): WorklistPage {
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) throw new Error(`Clinic ${clinicId} not found`);
  const { today, status } = clinicStatusSql(clinic, now);
  const todayStart = localDateTimeToInstant(today, '00:00', clinic.timeZone);
  const tomorrowStart = localDateTimeToInstant(addDaysToLocalDate(today, 1), '00:00', clinic.timeZone);
  const alertRank = alertRankSql(status);
  const rank = tierSql(status, alertRank);
  const pageSize = Math.min(Math.max(filter.pageSize ?? 50, 1), 200);
  const page = Math.max(filter.page ?? 1, 1);

  const conditions: (SQL | undefined)[] = [eq(s.pumpForecasts.clinicId, clinicId)];
  if (filter.physicianId) conditions.push(eq(s.patients.managingPhysicianId, filter.physicianId));
  if (filter.view === 'mine') {
    if (!filter.viewerId) throw new Error('The "my patients" worklist needs the signed-in user');
    conditions.push(eq(s.patients.managingPhysicianId, filter.viewerId));
  }
  if (filter.view === 'today')
    conditions.push(
      or(
        sql`${rank} <= ${worklistStatuses.indexOf('overdue')}`,
        sql`exists (select 1 from ${s.appointments} where ${s.appointments.pumpId} = ${s.pumpForecasts.pumpId}
          and ${s.appointments.status} = 'booked' and ${s.appointments.startsAt} >= ${todayStart} and ${s.appointments.startsAt} < ${tomorrowStart})`,
      ),
    );
  if (filter.pumpIds) conditions.push(inArray(s.pumpForecasts.pumpId, filter.pumpIds.length ? filter.pumpIds : [-1]));
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
  const needsPatients = !!filter.physicianId || filter.view === 'mine' || !!filter.q?.trim();
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
    // The worst alert first within a tier ("what is most dangerous"), then the time-driven status, then the
    // appointment and the dates.
    .orderBy(rank, sql`${alertRank} desc`, status, appointmentRank, s.pumpForecasts.refillDueOn, s.pumpForecasts.lowReservoirAlarmAt, s.pumpForecasts.pumpId)
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
      phone: s.patients.phone,
      physicianName: s.users.name,
      modelName: s.pumpModels.name,
      modelNumber: s.pumpModels.modelNumber,
      modelKind: s.pumpModels.kind,
      rank,
      status,
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
  const record = openDiscrepancyAlerts(db, ids);
  const outdated = outdatedPrints(db, clinicId, ids, 'card', now);

  return {
    rows: rows.map((r) => {
      const f = forecasts.get(r.pumpId);
      const pumpAcks = acks.get(r.pumpId) ?? [];
      const alerts = applyAcknowledgements(withRecordAlerts(f?.forecast.alerts ?? [], record.get(r.pumpId)), pumpAcks, now);
      const forecastStatus = f?.forecast.status ?? worklistStatuses[r.status] ?? 'ok';
      // The chip: the ranked tier, or the page's fresh forecast if it is more urgent (never milder than the alerts shown).
      const live = Math.min(worklistStatuses.indexOf(forecastStatus), tierOfAlertRank(worstOpenAlertRank(alerts, pumpAcks, now)));
      const worst = alerts.find((a) => !a.acknowledged);
      return {
        pumpId: r.pumpId,
        patientId: r.patientId,
        mrn: r.mrn,
        patientName: `${r.familyName}, ${r.givenName}`,
        phone: r.phone,
        physicianName: r.physicianName,
        pumpLabel: `${r.modelName} ${r.modelNumber}`,
        constantFlow: r.modelKind === 'constant-flow',
        volumeNowMl: f?.forecast.volumeNowMl ?? null,
        status: worklistStatuses[Math.min(r.rank, live)] ?? 'ok',
        forecastStatus,
        worstAlert: worst ? { code: worst.code, severity: worst.severity } : null,
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
    now,
  };
}

