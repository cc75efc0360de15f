/**
 * From stored rows to the forecast engine's input, and the stored forecast of each active pump.
 * The engine (lib/domain) does the arithmetic; this module only loads, converts units and saves.
 */
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import { appointmentLateness } from '@/lib/domain/booking';
import { forecast } from '@/lib/domain/forecast';
import { usualDoseLimits } from '@/lib/domain/policy';
import type { ClinicPolicy, Forecast, ForecastInput, ProgramVersion } from '@/lib/domain/types';
import type { Db } from '../client';
import * as s from '../schema';
import { activeAcknowledgements, openDiscrepancyAlerts, withRecordAlerts, worstOpenAlertRank } from './alerts';
import { upcomingAppointmentsFrom, isHighRiskPatient } from '@/lib/domain/risk';
import { storedRankValidUntil } from '@/lib/domain/worklist-rank';
import { storeRankKeys } from './worklist-rank';

type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'all' | 'run'>;

const toMl = (microlitres: number) => microlitres / 1000;
const toMcg = (nanograms: number) => nanograms / 1000;

export function clinicPolicy(
  clinic: Pick<
    s.Clinic,
    | 'timeZone'
    | 'bufferDays'
    | 'dueSoonDays'
    | 'clinicWeekdays'
    | 'holidays'
    | 'accuracyPct'
    | 'discrepancyFloorUl'
    | 'discrepancyLimitSmallUl'
    | 'discrepancyLimitLargeUl'
    | 'stabilityBufferDays'
  >,
): ClinicPolicy {
  return {
    timeZone: clinic.timeZone,
    bufferDays: clinic.bufferDays,
    dueSoonDays: clinic.dueSoonDays,
    clinicWeekdays: clinic.clinicWeekdays,
    holidays: clinic.holidays,
    accuracyPct: clinic.accuracyPct,
    discrepancyFloorMl: toMl(clinic.discrepancyFloorUl),
    discrepancyLimitSmallMl: toMl(clinic.discrepancyLimitSmallUl),
    discrepancyLimitLargeMl: toMl(clinic.discrepancyLimitLargeUl),
    stabilityBufferDays: clinic.stabilityBufferDays,
  };
}

export function programVersion(row: s.DrugProgram, from: number): ProgramVersion {
  return {
    from,
    concentrationMcgPerMl: toMcg(row.concentrationNgPerMl),
    mode: row.mode,
    doseMcgPerDay: row.mode === 'simple' ? toMcg(row.doseNgPerDay) - sumBolusesMcg(row) : undefined,
    steps: row.flexSteps?.map((st) => ({ start: st.start, doseMcgPerHour: toMcg(st.doseNgPerHour) })),
    periodicBoluses: row.periodicBoluses?.map((b) => ({ at: b.at, doseMcg: toMcg(b.doseNg) })),
    patientBolus:
      row.patientBolusDoseNg != null && row.patientBolusMaxPerDay != null
        ? { doseMcg: toMcg(row.patientBolusDoseNg), maxPerDay: row.patientBolusMaxPerDay }
        : null,
  };
}

function sumBolusesMcg(row: s.DrugProgram): number {
  return (row.periodicBoluses ?? []).reduce((sum, b) => sum + toMcg(b.doseNg), 0);
}

/** The columns of the last fill or refill that the forecast needs (full rows cost ~15 µs each to materialise). */
export const forecastVisitColumns = {
  id: s.refillVisits.id,
  pumpId: s.refillVisits.pumpId,
  kind: s.refillVisits.kind,
  performedAt: s.refillVisits.performedAt,
  reservoirAfterUl: s.refillVisits.reservoirAfterUl,
};
export type ForecastVisit = Pick<s.RefillVisit, keyof typeof forecastVisitColumns>;

export interface PumpForecastContext {
  pumpId: number;
  patientId: number;
  clinicId: number;
  input: ForecastInput;
  activeProgram: s.DrugProgram;
  lastVisit: ForecastVisit;
  drug: s.Drug;
  nextAppointment: { id: number; startsAt: number } | null;
}

/** The pump, model and patient columns the engine reads (forecastInputAt): only these, for speed. */
export const forecastPumpColumns = {
  pump: {
    id: s.pumps.id,
    reservoirUl: s.pumps.reservoirUl,
    alarmUl: s.pumps.alarmUl,
    flowUlPerDay: s.pumps.flowUlPerDay,
    implantedOn: s.pumps.implantedOn,
    eriRecordedOn: s.pumps.eriRecordedOn,
  },
  model: {
    kind: s.pumpModels.kind,
    maxServiceYears: s.pumpModels.maxServiceYears,
    labeledDrugs: s.pumpModels.labeledDrugs,
  },
  patient: {
    id: s.patients.id,
    clinicId: s.patients.clinicId,
    riskInjuryT6OrAbove: s.patients.riskInjuryT6OrAbove,
    riskCommunication: s.patients.riskCommunication,
    riskPriorWithdrawal: s.patients.riskPriorWithdrawal,
    backupOralPlan: s.patients.backupOralPlan,
  },
};

/** What the engine needs about a pump, besides its fills and programs. */
export interface ForecastPumpParts {
  pump: Pick<s.Pump, 'reservoirUl' | 'alarmUl' | 'flowUlPerDay' | 'implantedOn' | 'eriRecordedOn'>;
  model: Pick<s.PumpModel, 'kind' | 'maxServiceYears' | 'labeledDrugs'>;
  patient: Pick<s.Patient, 'riskInjuryT6OrAbove' | 'riskCommunication' | 'riskPriorWithdrawal' | 'backupOralPlan'>;
  drug: s.Drug;
}

/**
 * The engine's input for a pump as it stood at `now`, from its fill (the last one before `now`) and its
 * program versions (sorted by version; those in effect after the fill are used). The one place this mapping
 * lives: the worklist's forecasts use it with the last fill, the reports with each earlier fill.
 */
export function forecastInputAt(
  args: ForecastPumpParts & {
    now: number;
    policy: ClinicPolicy;
    fill: ForecastVisit;
    versions: readonly s.DrugProgram[];
    nextAppointmentAt: number | null;
  },
): ForecastInput {
  const { now, policy, pump, model, patient, drug, fill, versions } = args;
  const since = versions.filter((p) => p.supersededAt == null || p.supersededAt > fill.performedAt);
  const timeline = since.map((p) => programVersion(p, Math.max(p.effectiveAt, fill.performedAt)));
  // A record dated after now (the server clock stepped back) raises CLOCK in the engine, never an error.
  const latestRecordAt = Math.max(fill.performedAt, ...since.map((p) => p.effectiveAt));
  const stabilityDays = fill.kind === 'initial-fill' && drug.initialFillDays != null ? drug.initialFillDays : drug.stabilityDays;
  return {
    now,
    clinic: policy,
    pump: {
      kind: model.kind,
      reservoirMl: toMl(pump.reservoirUl),
      alarmMl: toMl(pump.alarmUl),
      flowMlPerDay: pump.flowUlPerDay != null ? toMl(pump.flowUlPerDay) : undefined,
      implantedOn: pump.implantedOn,
      maxServiceYears: model.maxServiceYears,
      eriRecordedOn: pump.eriRecordedOn,
      labeledDrugs: model.labeledDrugs,
    },
    lastRefill: { at: fill.performedAt, volumeMl: toMl(fill.reservoirAfterUl) },
    drug: {
      name: drug.name,
      stabilityDays,
      usualMaxDoseMcgPerDay:
        drug.usualMaxDoseNgPerDay != null ? toMcg(drug.usualMaxDoseNgPerDay) : (usualDoseLimits(drug.name)?.usualMaxDoseMcgPerDay ?? null),
      highestReportedDoseMcgPerDay: usualDoseLimits(drug.name)?.highestReportedDoseMcgPerDay ?? null,
    },
    programs: timeline,
    nextAppointmentAt: args.nextAppointmentAt,
    latestRecordAt,
    highRisk: isHighRiskPatient(patient),
    hasBackupOralPlan: patient.backupOralPlan.trim() !== '',
  };
}

/** Loads what the engine needs for the given active pumps (or every active pump of a clinic). */
export function loadForecastContexts(
  db: Tx,
  scope: { pumpIds: number[] } | { clinicId: number } | { all: true },
  now: number,
): PumpForecastContext[] {
  // Only the columns the engine reads: at 10,000 pumps, whole joined rows (patient, model and the clinic's JSON
  // repeated on every row) took ten times longer to load than the forecasts take to compute.
  const pumpRows = db
    .select(forecastPumpColumns)
    .from(s.pumps)
    .innerJoin(s.pumpModels, eq(s.pumps.modelId, s.pumpModels.id))
    .innerJoin(s.patients, eq(s.pumps.patientId, s.patients.id))
    .where(
      and(
        eq(s.pumps.status, 'active'),
        'pumpIds' in scope
          ? inArray(s.pumps.id, scope.pumpIds.length ? scope.pumpIds : [-1])
          : 'clinicId' in scope
            ? eq(s.patients.clinicId, scope.clinicId)
            : undefined,
      ),
    )
    .all();
  if (pumpRows.length === 0) return [];
  const ids = pumpRows.map((r) => r.pump.id);
  const idFilter = <T extends { pumpId: number }>(rows: T[]) => {
    const set = new Set(ids);
    return rows.filter((r) => set.has(r.pumpId));
  };
  const narrow = 'pumpIds' in scope;

  const programs = idFilter(
    narrow
      ? db.select().from(s.drugPrograms).where(inArray(s.drugPrograms.pumpId, ids)).all()
      : db.select().from(s.drugPrograms).all(),
  );
  const lastVisits = idFilter(
    db
      .select(forecastVisitColumns)
      .from(s.refillVisits)
      .where(
        and(
          narrow ? inArray(s.refillVisits.pumpId, ids) : undefined,
          sql`${s.refillVisits.performedAt} = (select max(r2.performed_at) from refill_visits r2 where r2.pump_id = ${s.refillVisits.pumpId})`,
        ),
      )
      .all(),
  );
  const upcoming = idFilter(
    db
      .select({ id: s.appointments.id, pumpId: s.appointments.pumpId, startsAt: s.appointments.startsAt })
      .from(s.appointments)
      .where(
        and(
          narrow ? inArray(s.appointments.pumpId, ids) : undefined,
          eq(s.appointments.status, 'booked'),
          inArray(s.appointments.type, ['refill', 'replacement']),
          // A booked appointment more than a day in the past was missed, not upcoming (lib/domain/risk.ts).
          gte(s.appointments.startsAt, upcomingAppointmentsFrom(now)),
        ),
      )
      .orderBy(s.appointments.startsAt)
      .all(),
  );
  const drugRows = new Map(
    db
      .select()
      .from(s.drugs)
      .all()
      .map((d) => [d.id, d]),
  );

  const programsByPump = groupBy(programs, (p) => p.pumpId);
  const visitByPump = new Map(lastVisits.map((v) => [v.pumpId, v]));
  const nextByPump = new Map<number, { id: number; startsAt: number }>();
  for (const a of upcoming) if (!nextByPump.has(a.pumpId)) nextByPump.set(a.pumpId, a);

  // One policy object per clinic, read once: the engine caches its compiled calendar by the object's identity.
  const clinicIds = [...new Set(pumpRows.map((r) => r.patient.clinicId))];
  const policies = new Map<number, ClinicPolicy>(
    db
      .select()
      .from(s.clinics)
      .where(inArray(s.clinics.id, clinicIds))
      .all()
      .map((c) => [c.id, clinicPolicy(c)]),
  );
  const contexts: PumpForecastContext[] = [];
  for (const { pump, model, patient } of pumpRows) {
    const policy = policies.get(patient.clinicId);
    if (!policy) continue;
    const lastVisit = visitByPump.get(pump.id);
    const versions = (programsByPump.get(pump.id) ?? []).sort((a, b) => a.versionNo - b.versionNo);
    const active = versions.find((p) => p.supersededAt == null);
    if (!lastVisit || !active) continue; // a pump without a fill or a program has nothing to forecast
    const drug = drugRows.get(active.drugId);
    if (!drug) continue;
    const next = nextByPump.get(pump.id) ?? null;
    contexts.push({
      pumpId: pump.id,
      patientId: patient.id,
      clinicId: patient.clinicId,
      activeProgram: active,
      lastVisit,
      drug,
      nextAppointment: next,
      input: forecastInputAt({ now, policy, pump, model, patient, drug, fill: lastVisit, versions, nextAppointmentAt: next?.startsAt ?? null }),
    });
  }
  return contexts;
}

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

export function computeForecasts(
  contexts: PumpForecastContext[],
): { context: PumpForecastContext; forecast: Forecast }[] {
  return contexts.map((context) => ({ context, forecast: forecast(context.input) }));
}

/**
 * How far ahead the stored worst alert looks. Alerts escalate with the clock between refreshes (E1 at midnight
 * for a high-risk patient, E3 when the status leaves "ok" or the appointment passes, E4 and E16 inside the
 * due-soon window, E10 at the end of service, a snooze running out), and the worklist ranks from the stored rank
 * until the next refresh. The rank is the worst of now and now + this, so it is never milder than the alerts the
 * page shows; the hourly refresh (db/startup.ts) must run more often than this.
 */
export const RANK_LOOKAHEAD_MS = 2 * 3_600_000;

/**
 * The worst open alert of each forecast pump on the scale of pump_forecasts.worstAlertRank, engine alerts and
 * open E5 alerts together, acknowledged and snoozed ones left out, looking RANK_LOOKAHEAD_MS ahead.
 */
export function worstAlertRanks(
  db: Pick<Db, 'select'>,
  results: { context: PumpForecastContext; forecast: Forecast }[],
  now: number,
): Map<number, number> {
  const ids = results.map((r) => r.context.pumpId);
  const record = openDiscrepancyAlerts(db, ids);
  const later = now + RANK_LOOKAHEAD_MS;
  const acksNow = activeAcknowledgements(db, ids, now);
  const acksLater = activeAcknowledgements(db, ids, later);
  const ranks = new Map<number, number>();
  for (const { context, forecast: f } of results) {
    const id = context.pumpId;
    const open = record.get(id);
    const ahead = forecast({ ...context.input, now: later });
    ranks.set(
      id,
      Math.max(
        worstOpenAlertRank(withRecordAlerts(f.alerts, open), acksNow.get(id) ?? [], now),
        worstOpenAlertRank(withRecordAlerts(ahead.alerts, open), acksLater.get(id) ?? [], later),
      ),
    );
  }
  return ranks;
}

/**
 * Recomputes and stores the forecast of the given pumps (all active ones when omitted), with the worst open
 * alert the worklist ranks by. Call it inside the transaction of every write that changes a forecast's inputs
 * or a pump's alerts (a refill, an acknowledgement, a discrepancy review), so the stored forecast is never stale.
 */
type StoredDates = Pick<typeof s.pumpForecasts.$inferSelect, 'pumpId' | 'refillDueOn' | 'lowReservoirAlarmAt' | 'emptyAt' | 'datesChangedAt'>;

/** The dates each stored forecast in the scope published, before a refresh replaces them. */
function storedForecastDates(db: Tx, scope: Parameters<typeof loadForecastContexts>[1]): Map<number, StoredDates> {
  const rows = db
    .select({
      pumpId: s.pumpForecasts.pumpId,
      refillDueOn: s.pumpForecasts.refillDueOn,
      lowReservoirAlarmAt: s.pumpForecasts.lowReservoirAlarmAt,
      emptyAt: s.pumpForecasts.emptyAt,
      datesChangedAt: s.pumpForecasts.datesChangedAt,
    })
    .from(s.pumpForecasts)
    .where(
      'pumpIds' in scope
        ? inArray(s.pumpForecasts.pumpId, scope.pumpIds.length ? scope.pumpIds : [-1])
        : 'clinicId' in scope
          ? eq(s.pumpForecasts.clinicId, scope.clinicId)
          : undefined,
    )
    .all();
  return new Map(rows.map((r) => [r.pumpId, r]));
}

/**
 * When the forecast's dates last changed: kept from the stored row when the refresh moved none of them, so that a
 * recompute that changes nothing (the hourly refresh, a restart, an acknowledgement) leaves the calendar feeds'
 * SEQUENCE, DTSTAMP and ETag as they were (issue 16, item 7). A pump with no stored forecast starts now.
 */
export function datesChangedAt(
  stored: StoredDates | undefined,
  next: Pick<Forecast, 'refillDueOn' | 'lowReservoirAlarmAt' | 'emptyAt'>,
  now: number,
): number {
  const same =
    stored != null &&
    stored.refillDueOn === next.refillDueOn &&
    stored.lowReservoirAlarmAt === next.lowReservoirAlarmAt &&
    stored.emptyAt === next.emptyAt;
  return same ? stored.datesChangedAt : now;
}

export function refreshForecasts(
  db: Tx,
  scope: Parameters<typeof loadForecastContexts>[1],
  now: number,
): number {
  const results = computeForecasts(loadForecastContexts(db, scope, now));
  const worst = worstAlertRanks(db, results, now);
  const previous = storedForecastDates(db, scope);
  if ('pumpIds' in scope) {
    // Pumps that no longer forecast (explanted) leave the worklist.
    db.delete(s.pumpForecasts)
      .where(inArray(s.pumpForecasts.pumpId, scope.pumpIds.length ? scope.pumpIds : [-1]))
      .run();
  } else if ('clinicId' in scope) {
    db.delete(s.pumpForecasts).where(eq(s.pumpForecasts.clinicId, scope.clinicId)).run();
  } else {
    db.delete(s.pumpForecasts).run();
  }
  const rows = results.map(({ context, forecast: f }) => ({
    datesChangedAt: datesChangedAt(previous.get(context.pumpId), f, context.input.now),
    pumpId: context.pumpId,
    clinicId: context.clinicId,
    lowReservoirAlarmAt: f.lowReservoirAlarmAt,
    emptyAt: f.emptyAt,
    refillDueOn: f.refillDueOn,
    stabilityExpiresOn: f.stabilityExpiresOn,
    dailyVolumeUl: Math.round(f.dailyVolumeMl * 1000),
    worstCaseDailyVolumeUl: Math.round(f.worstCaseDailyVolumeMl * 1000),
    nextAppointmentId: context.nextAppointment?.id ?? null,
    nextAppointmentAt: context.nextAppointment?.startsAt ?? null,
    appointmentLate:
      context.nextAppointment != null &&
      appointmentLateness(context.nextAppointment.startsAt, context.input.clinic.timeZone, f) !== 'on-time',
    worstAlertRank: worst.get(context.pumpId) ?? 0,
    computedAt: context.input.now,
    rankValidUntil: storedRankValidUntil(f, context.input.now, context.input.clinic),
  }));
  for (let i = 0; i < rows.length; i += 500)
    db.insert(s.pumpForecasts)
      .values(rows.slice(i, i + 500))
      .run();
  // The worklist's rank key, from the rows just written (decision 025), per clinic: its calendar decides "today".
  const clinics = new Map<number, { id: number; timeZone: string; dueSoonDays: number; pumpIds: number[] }>();
  for (const { context } of results) {
    const c = clinics.get(context.clinicId);
    if (c) c.pumpIds.push(context.pumpId);
    else
      clinics.set(context.clinicId, {
        id: context.clinicId,
        timeZone: context.input.clinic.timeZone,
        dueSoonDays: context.input.clinic.dueSoonDays,
        pumpIds: [context.pumpId],
      });
  }
  for (const c of clinics.values()) storeRankKeys(db, c, now, 'pumpIds' in scope ? c.pumpIds : undefined);
  return rows.length;
}
