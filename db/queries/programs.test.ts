import { describe, expect, it } from 'vitest';
import { forecast } from '@/lib/domain/forecast';
import { forecastRequestSchema, toForecastInput } from '@/lib/validation/forecast';
import { freshDb } from '@/tests/db';
import {
  changeProgram as changeProgramRow,
  createClinic,
  createPatient,
  createPump,
  DAY_MS,
  ensureCatalog,
} from '../factories';
import { computeForecasts, loadForecastContexts } from './forecasts';
import { forecastRequestOf } from './programs';

describe('forecastRequestOf', () => {
  it('round-trips through POST /api/v1/forecast to the same forecast, flex program and version change included', () => {
    const db = freshDb();
    const catalog = ensureCatalog(db);
    const clinic = createClinic(db, { timeZone: 'Europe/Berlin' });
    const patient = createPatient(db, { clinicId: clinic.id, mrn: 'F-1', riskInjuryT6OrAbove: true });
    const now = Date.UTC(2026, 2, 30, 10, 15, 0, 250);
    const spec = {
      drugId: catalog.drugs.get('Lioresal Intrathecal')!.id,
      concentrationMcgPerMl: 500,
      mode: 'flex' as const,
      flexSteps: [
        { start: '00:00', doseMcgPerHour: 8 },
        { start: '07:00', doseMcgPerHour: 14 },
      ],
      periodicBoluses: [{ at: '12:00', doseMcg: 25 }],
    };
    const { pump } = createPump(db, {
      patientId: patient.id,
      model: catalog.models.get('8637-20')!,
      serial: 'F',
      implantedOn: '2026-01-01',
      program: spec,
      filledAt: now - 12 * DAY_MS,
      fillMl: 20,
    });
    changeProgramRow(
      db,
      pump.id,
      { ...spec, flexSteps: [{ start: '00:00', doseMcgPerHour: 9 }] },
      now - 3 * DAY_MS + 123,
    );
    const [r] = computeForecasts(loadForecastContexts(db, { pumpIds: [pump.id] }, now));
    const request = JSON.parse(JSON.stringify(forecastRequestOf(r!.context.input)));
    const parsed = forecastRequestSchema.parse(request);
    expect(forecast(toForecastInput(parsed))).toEqual(r!.forecast);
  });
});

describe('loaded forecasts and the labeled drug list (E12)', () => {
  it('warn when the pump model is not labeled for the drug in it, and the preview request carries the list', () => {
    const db = freshDb();
    const catalog = ensureCatalog(db);
    const clinic = createClinic(db);
    const now = Date.UTC(2026, 5, 1, 15);
    const implant = (mrn: string, modelNumber: string, product: string) => {
      const patient = createPatient(db, { clinicId: clinic.id, mrn });
      return createPump(db, {
        patientId: patient.id,
        model: catalog.models.get(modelNumber)!,
        serial: mrn,
        implantedOn: '2026-01-01',
        program: {
          drugId: catalog.drugs.get(product)!.id,
          concentrationMcgPerMl: 25,
          mode: 'simple',
          doseMcgPerDay: 2,
        },
        filledAt: now - 5 * DAY_MS,
        fillMl: 20,
      }).pump.id;
    };
    // Prometra II is labeled for baclofen, morphine and saline; SynchroMed II also for ziconotide (catalog.ts).
    const prometra = implant('P-1', '13827', 'Prialt (undiluted)');
    const synchromed = implant('S-1', '8637-20', 'Prialt (undiluted)');
    const results = new Map(
      computeForecasts(loadForecastContexts(db, { clinicId: clinic.id }, now)).map((r) => [
        r.context.pumpId,
        r,
      ]),
    );
    const e12 = (pumpId: number) => results.get(pumpId)!.forecast.alerts.find((a) => a.code === 'E12');
    expect(e12(prometra)).toMatchObject({
      severity: 'warn',
      message: expect.stringContaining('baclofen, morphine, saline'),
    });
    expect(e12(synchromed)).toBeUndefined();
    const request = forecastRequestSchema.parse(
      JSON.parse(JSON.stringify(forecastRequestOf(results.get(prometra)!.context.input))),
    );
    expect(forecast(toForecastInput(request)).alerts.map((a) => a.code)).toContain('E12');
  });
});
