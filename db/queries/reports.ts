/**
 * The clinic's reports (issue 18, item 3): for each of the last twelve clinic months, refills on time and late,
 * the days of drug left at each refill, no-shows; discrepancy rates by pump model; the share of active pumps
 * overdue today. Aggregates only: no patient is named.
 *
 * "On time" is judged against the due date the engine gave at the fill before each refill, with the program
 * versions that were in effect then (forecastInputAt, the worklist's own mapping): a refill on or before that
 * day is on time, later is late. The margin is the residual the program left at the refill (stored with the
 * visit) in days of the daily volume then.
 */
import { and, asc, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { addMonthsToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { forecast } from '@/lib/domain/forecast';
import type { Db } from '../client';
import * as s from '../schema';
import { clinicPolicy, forecastInputAt, forecastPumpColumns, forecastVisitColumns, type ForecastVisit } from './forecasts';

type Reader = Pick<Db, 'select'>;

export interface MonthReport {
  /** `YYYY-MM`, a clinic calendar month. */
  month: string;
  refills: number;
  onTime: number;
  late: number;
  /** Refills whose due date could not be told (no earlier fill or program in the record). */
  unjudged: number;
  /** Median and least days of drug left at the refills of the month; null without a refill to judge. */
  medianMarginDays: number | null;
  minMarginDays: number | null;
  /** Appointments of the month that were attended (done) and missed (no-show). */
  attended: number;
  noShows: number;
}

export interface ModelReport {
  model: string;
  refills: number;
  /** Refills whose residual was outside the tolerance (over-delivery or under-infusion). */
  discrepancies: number;
}

export interface ClinicReport {
  timeZone: string;
  today: string;
  months: MonthReport[];
  models: ModelReport[];
  activePumps: number;
  overduePumps: number;
}

const firstOfMonth = (date: string) => `${date.slice(0, 7)}-01`;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const oneDecimal = (n: number | null) => (n == null ? null : Math.round(n * 10) / 10);

export function clinicReport(db: Reader, clinicId: number, now: number, monthsBack = 12): ClinicReport {
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) throw new Error(`Clinic ${clinicId} not found`);
  const zone = clinic.timeZone;
  const policy = clinicPolicy(clinic);
  const today = localDateOf(now, zone);
  const startDate = addMonthsToLocalDate(firstOfMonth(today), -(monthsBack - 1));
  const from = localDateTimeToInstant(startDate, '00:00', zone);
  const monthKeys = Array.from({ length: monthsBack }, (_, i) => addMonthsToLocalDate(startDate, i).slice(0, 7));
  const months = new Map<string, MonthReport & { margins: number[] }>(
    monthKeys.map((m) => [m, { month: m, refills: 0, onTime: 0, late: 0, unjudged: 0, medianMarginDays: null, minMarginDays: null, attended: 0, noShows: 0, margins: [] }]),
  );

  const pumpRows = db
    .select({
      ...forecastPumpColumns,
      model: { ...forecastPumpColumns.model, label: sql<string>`${s.pumpModels.name} || ' ' || ${s.pumpModels.modelNumber}` },
    })
    .from(s.pumps)
    .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(eq(s.patients.clinicId, clinicId))
    .all();
  const pumpIds = pumpRows.map((r) => r.pump.id);
  const ids = pumpIds.length ? pumpIds : [-1];
  const visits = db
    .select({ ...forecastVisitColumns, drugId: s.refillVisits.drugId, expectedResidualUl: s.refillVisits.expectedResidualUl, discrepancyFlag: s.refillVisits.discrepancyFlag })
    .from(s.refillVisits)
    .where(inArray(s.refillVisits.pumpId, ids))
    .orderBy(asc(s.refillVisits.pumpId), asc(s.refillVisits.performedAt), asc(s.refillVisits.id))
    .all();
  const programs = db.select().from(s.drugPrograms).where(inArray(s.drugPrograms.pumpId, ids)).orderBy(asc(s.drugPrograms.versionNo)).all();
  const drugs = new Map(db.select().from(s.drugs).all().map((d) => [d.id, d]));
  const programsOf = new Map<number, s.DrugProgram[]>();
  for (const p of programs) programsOf.set(p.pumpId, [...(programsOf.get(p.pumpId) ?? []), p]);
  const visitsOf = new Map<number, typeof visits>();
  for (const v of visits) visitsOf.set(v.pumpId, [...(visitsOf.get(v.pumpId) ?? []), v]);

  const byModel = new Map<string, ModelReport>();
  for (const row of pumpRows) {
    const list = visitsOf.get(row.pump.id) ?? [];
    for (let i = 0; i < list.length; i++) {
      const visit = list[i]!;
      if (visit.kind !== 'refill' || visit.performedAt < from || visit.performedAt > now) continue;
      const month = months.get(localDateOf(visit.performedAt, zone).slice(0, 7));
      if (!month) continue;
      month.refills++;
      const model = byModel.get(row.model.label) ?? { model: row.model.label, refills: 0, discrepancies: 0 };
      model.refills++;
      if (visit.discrepancyFlag === 'over-delivery' || visit.discrepancyFlag === 'under-infusion') model.discrepancies++;
      byModel.set(row.model.label, model);

      const judged = judgeRefill(row, list[i - 1], visit, programsOf.get(row.pump.id) ?? [], drugs, policy, zone);
      if (!judged) {
        month.unjudged++;
        continue;
      }
      if (judged.onTime) month.onTime++;
      else month.late++;
      if (judged.marginDays != null) month.margins.push(judged.marginDays);
    }
  }

  const appointments = db
    .select({ startsAt: s.appointments.startsAt, status: s.appointments.status })
    .from(s.appointments)
    .where(and(inArray(s.appointments.pumpId, ids), gte(s.appointments.startsAt, from), lt(s.appointments.startsAt, now), inArray(s.appointments.status, ['done', 'no-show'])))
    .all();
  for (const a of appointments) {
    const month = months.get(localDateOf(a.startsAt, zone).slice(0, 7));
    if (!month) continue;
    if (a.status === 'done') month.attended++;
    else month.noShows++;
  }

  const active = db
    .select({ n: count(), overdue: sql<number>`coalesce(sum(${s.pumpForecasts.refillDueOn} < ${today}), 0)` })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .leftJoin(s.pumpForecasts, eq(s.pumpForecasts.pumpId, s.pumps.id))
    .where(and(eq(s.patients.clinicId, clinicId), eq(s.pumps.status, 'active')))
    .get();

  return {
    timeZone: zone,
    today,
    months: [...months.values()].map(({ margins, ...m }) => ({
      ...m,
      medianMarginDays: oneDecimal(median(margins)),
      minMarginDays: oneDecimal(margins.length ? Math.min(...margins) : null),
    })),
    models: [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model)),
    activePumps: active?.n ?? 0,
    overduePumps: Number(active?.overdue ?? 0),
  };
}

/** Whether a refill came by the due date its previous fill gave, and the days of drug it left; null if unknown. */
function judgeRefill(
  row: { pump: Parameters<typeof forecastInputAt>[0]['pump']; model: Parameters<typeof forecastInputAt>[0]['model']; patient: Parameters<typeof forecastInputAt>[0]['patient'] },
  fill: (ForecastVisit & { drugId: number }) | undefined,
  visit: ForecastVisit & { expectedResidualUl: number | null },
  versions: s.DrugProgram[],
  drugs: Map<number, s.Drug>,
  policy: ReturnType<typeof clinicPolicy>,
  zone: string,
): { onTime: boolean; marginDays: number | null } | null {
  if (!fill) return null;
  const drug = drugs.get(fill.drugId);
  // The versions as they stood just before the refill (one entered at the refill itself takes effect then).
  const then = versions
    .filter((p) => p.effectiveAt < visit.performedAt)
    .map((p) => (p.supersededAt != null && p.supersededAt >= visit.performedAt ? { ...p, supersededAt: null } : p));
  if (!drug || then.length === 0 || !then.some((p) => p.supersededAt == null)) return null;
  try {
    const f = forecast(forecastInputAt({ now: visit.performedAt, policy, ...row, drug, fill, versions: then, nextAppointmentAt: null }));
    const onTime = localDateOf(visit.performedAt, zone) <= f.refillDueOn;
    const marginDays =
      visit.expectedResidualUl != null && f.dailyVolumeMl > 0 ? visit.expectedResidualUl / 1000 / f.dailyVolumeMl : null;
    return { onTime, marginDays };
  } catch {
    // A record the engine refuses (it says why on the pump's page) is not judged here.
    return null;
  }
}
