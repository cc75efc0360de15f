/**
 * The worklist: every active pump of a clinic ranked by risk from its stored forecast. The time-driven status
 * is derived in SQL from the stored instants and today's clinic-local date, and combined with the worst open
 * alert stored by refreshForecasts (pump_forecasts.worstAlertRank, E5 included), so ranking 10,000 pumps needs
 * no forecasting; only the page shown is forecast again for its alerts. docs/decisions/006 explains the rank.
 */
import { and, eq, gt, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { addDaysToLocalDate, localDateTimeToInstant } from '@/lib/domain/calendar';
import type { ForecastStatus } from '@/lib/domain/types';
import type { Db } from '../client';
import * as s from '../schema';
import { outdatedPrints } from './cards';
import { alertRankSql, clinicStatusSql, rankKeySql, tierOfKeySql, tierSql } from './worklist-rank';
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

export { alertRankSql, clinicStatusSql, statusSql, tierSql } from './worklist-rank';

export interface RankedPage {
  /** The page's pump ids, in rank order. */
  pumpIds: number[];
  counts: Record<ForecastStatus, number>;
  total: number;
}

type RankClinic = Pick<s.Clinic, 'id' | 'timeZone' | 'dueSoonDays'>;

/** The two halves of the ranking (stored keys that hold, keys ranked live), each a count and a page query. */
function rankQueries(db: Db, clinic: RankClinic, filter: WorklistFilter, now: number) {
  const { today, status } = clinicStatusSql(clinic, now);
  const todayStart = localDateTimeToInstant(today, '00:00', clinic.timeZone);
  const tomorrowStart = localDateTimeToInstant(addDaysToLocalDate(today, 1), '00:00', clinic.timeZone);
  const pageSize = Math.min(Math.max(filter.pageSize ?? 50, 1), 200);
  const page = Math.max(filter.page ?? 1, 1);
  const f = s.pumpForecasts;

  const conditions: (SQL | undefined)[] = [eq(f.clinicId, clinic.id)];
  if (filter.physicianId) conditions.push(eq(s.patients.managingPhysicianId, filter.physicianId));
  if (filter.view === 'mine') {
    if (!filter.viewerId) throw new Error('The "my patients" worklist needs the signed-in user');
    conditions.push(eq(s.patients.managingPhysicianId, filter.viewerId));
  }
  if (filter.pumpIds) conditions.push(inArray(f.pumpId, filter.pumpIds.length ? filter.pumpIds : [-1]));
  if (filter.dueFrom) conditions.push(gte(f.refillDueOn, filter.dueFrom));
  if (filter.dueTo) conditions.push(lte(f.refillDueOn, filter.dueTo));
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
  const needsPatients = !!filter.physicianId || filter.view === 'mine' || !!filter.q?.trim();
  const limit = page * pageSize;
  const parts = [
    // Keys that hold now: the stored one, read in index order.
    { name: 'stored', key: sql<string>`${f.rankKey}`, where: and(lte(f.computedAt, now), gt(f.rankValidUntil, now)) },
    // Keys that ran out since the refresh (or were stored after `now`): the same key, live.
    { name: 'live', key: rankKeySql(status), where: or(lte(f.rankValidUntil, now), gt(f.computedAt, now)) },
  ];
  return parts.map((part) => {
    const tier = tierOfKeySql(part.key);
    const rankConditions: (SQL | undefined)[] = [base, part.where];
    if (filter.view === 'today')
      rankConditions.push(
        or(
          sql`${tier} <= ${worklistStatuses.indexOf('overdue')}`,
          sql`exists (select 1 from ${s.appointments} where ${s.appointments.pumpId} = ${f.pumpId}
            and ${s.appointments.status} = 'booked' and ${s.appointments.startsAt} >= ${todayStart} and ${s.appointments.startsAt} < ${tomorrowStart})`,
        ),
      );
    const filtered = and(...rankConditions);
    const countQuery = db.select({ tier, n: sql<number>`count(*)` }).from(f);
    const counts = (
      needsPatients
        ? countQuery.innerJoin(s.pumps, eq(s.pumps.id, f.pumpId)).innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
        : countQuery
    )
      .where(filtered)
      .groupBy(tier);
    // A tier is the key range from its digit to the next one.
    const inTier = statusIndex >= 0 ? and(filtered, sql`${part.key} >= ${String(statusIndex)} and ${part.key} < ${String(statusIndex + 1)}`) : filtered;
    const pageQuery = db.select({ pumpId: f.pumpId, key: part.key }).from(f);
    const ranked = (
      needsPatients
        ? pageQuery.innerJoin(s.pumps, eq(s.pumps.id, f.pumpId)).innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
        : pageQuery
    )
      .where(inTier)
      .orderBy(part.key)
      .limit(limit);
    return { name: part.name, counts: () => counts.all(), page: () => ranked.all(), pageSql: () => ranked.toSQL() };
  });
}

/**
 * The page of pump ids and the counts per tier, in the order of decision 006. Rows whose stored rank key holds at
 * `now` (decision 025) are read from the index (clinic_id, rank_key) in key order, without ranking the table;
 * the few whose key has run out since the refresh, or was computed after `now`, are ranked live by the same key
 * expression; the two ordered lists are merged.
 */
export function rankWorklist(db: Db, clinic: RankClinic, filter: WorklistFilter, now: number): RankedPage {
  const pageSize = Math.min(Math.max(filter.pageSize ?? 50, 1), 200);
  const page = Math.max(filter.page ?? 1, 1);
  const statusIndex = filter.status ? worklistStatuses.indexOf(filter.status) : -1;
  const counts = Object.fromEntries(worklistStatuses.map((st) => [st, 0])) as Record<ForecastStatus, number>;
  const ranked: { pumpId: number; key: string }[] = [];
  for (const part of rankQueries(db, clinic, filter, now)) {
    for (const c of part.counts()) counts[worklistStatuses[c.tier] ?? 'ok'] += c.n;
    ranked.push(...part.page());
  }
  const limit = page * pageSize;
  const total = statusIndex >= 0 ? counts[worklistStatuses[statusIndex]!] : Object.values(counts).reduce((a, b) => a + b, 0);
  // Keys are unique (they end with the pump id) and compare as bytes, like SQLite's BINARY collation.
  ranked.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { pumpIds: ranked.slice((page - 1) * pageSize, limit).map((r) => r.pumpId), counts, total };
}

/**
 * SQLite's plan for the page query over the stored keys (EXPLAIN QUERY PLAN): the bench and a test check that the
 * first page is an index range read, with no sort of the table.
 */
export function worklistPagePlan(db: Db, clinic: RankClinic, filter: WorklistFilter, now: number): string[] {
  const stored = rankQueries(db, clinic, filter, now).find((p) => p.name === 'stored')!.pageSql();
  return (db.$client.prepare(`EXPLAIN QUERY PLAN ${stored.sql}`).all(...stored.params) as { detail: string }[]).map((r) => r.detail);
}

export function listWorklist(db: Db, clinicId: number, filter: WorklistFilter, now: number): WorklistPage {
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) throw new Error(`Clinic ${clinicId} not found`);
  const { today, status } = clinicStatusSql(clinic, now);
  const rank = tierSql(status, alertRankSql(status));
  const pageSize = Math.min(Math.max(filter.pageSize ?? 50, 1), 200);
  const page = Math.max(filter.page ?? 1, 1);
  const { pumpIds: pageIds, counts, total } = rankWorklist(db, clinic, filter, now);
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

