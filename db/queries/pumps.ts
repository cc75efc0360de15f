/** Pumps, scoped to the caller's clinic: a pump of another clinic is "not found", never shown. */
import { and, eq } from 'drizzle-orm';
import type { Forecast } from '@/lib/domain/types';
import { NotFoundError } from '@/lib/errors';
import type { Db } from '../client';
import * as s from '../schema';
import { openDiscrepancyAlerts, withRecordAlerts } from './alerts';
import { computeForecasts, loadForecastContexts, type PumpForecastContext } from './forecasts';

export function pumpInClinic(db: Pick<Db, 'select'>, clinicId: number, pumpId: number) {
  const row = db
    .select({ pump: s.pumps, clinicId: s.patients.clinicId })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError(`No such pump.`);
  return row.pump;
}

/** The MRN of the patient who has this pump, when the pump is of the caller's clinic. */
export function patientMrnOfPump(db: Pick<Db, 'select'>, clinicId: number, pumpId: number): string | undefined {
  return db
    .select({ mrn: s.patients.mrn })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
    .get()?.mrn;
}

export function pumpForecastFor(
  db: Db,
  clinicId: number,
  pumpId: number,
  now: number,
): { forecast: Forecast; context: PumpForecastContext; timeZone: string; pump: s.Pump } {
  const pump = pumpInClinic(db, clinicId, pumpId);
  const [result] = computeForecasts(loadForecastContexts(db, { pumpIds: [pumpId] }, now));
  if (!result) throw new NotFoundError(`Pump ${pumpId} has no forecast: it is explanted, or has no fill or program recorded.`);
  // The open E5 alerts of its refills join the engine's (db/queries/alerts.ts).
  const alerts = withRecordAlerts(result.forecast.alerts, openDiscrepancyAlerts(db, [pumpId]).get(pumpId));
  return { forecast: { ...result.forecast, alerts }, context: result.context, timeZone: result.context.input.clinic.timeZone, pump };
}
