import { describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/db';
import { createClinic, createPatient, createPump, DAY_MS, ensureCatalog } from '../factories';
import * as s from '../schema';
import { computeForecasts, loadForecastContexts } from './forecasts';
import { forecastCurve, visitDtos } from './dtos';
import { patientDetail, recordPatientView } from './patients';

function setup() {
  const db = freshDb();
  const catalog = ensureCatalog(db);
  const clinic = createClinic(db, { timeZone: 'Europe/Berlin' });
  const patient = createPatient(db, { clinicId: clinic.id, mrn: 'Q-1' });
  const now = Date.UTC(2026, 2, 20, 9);
  const { pump } = createPump(db, {
    patientId: patient.id,
    model: catalog.models.get('8637-20')!,
    serial: 'Q',
    implantedOn: '2026-01-01',
    program: {
      drugId: catalog.drugs.get('Lioresal Intrathecal')!.id,
      concentrationMcgPerMl: 500,
      mode: 'simple',
      doseMcgPerDay: 250,
    },
    filledAt: now - 10 * DAY_MS,
    fillMl: 20,
  });
  return { db, clinic, patient, pump, now };
}

const visit = (over: Partial<s.RefillVisit>): s.RefillVisit => ({
  id: 1,
  pumpId: 1,
  kind: 'refill',
  performedAt: 0,
  performedById: null,
  performedByName: '',
  verifiedById: null,
  verifiedByName: '',
  expectedResidualUl: null,
  aspiratedResidualUl: null,
  volumeFilledUl: 20_000,
  reservoirAfterUl: 20_000,
  drugId: 1,
  drugLot: '',
  drugExpiresOn: null,
  concentrationNgPerMl: 500_000,
  programId: null,
  programChanged: false,
  bridgeBolusGiven: false,
  bridgeBolusNote: '',
  discrepancyUl: null,
  discrepancyFlag: null,
  bridgeBolusUl: null,
  discrepancySeverity: null,
  discrepancyConfirmed: false,
  discrepancyReviewedById: null,
  discrepancyReviewedAt: null,
  discrepancyReviewNote: null,
  needlePlacementConfirmed: false,
  residualCheckedBeforeFill: false,
  templateUsed: false,
  fillConfirmationMethod: null,
  orderId: null,
  notes: '',
  createdAt: 0,
  ...over,
});

describe('visitDtos', () => {
  it('gives the discrepancy as a percentage of the volume programmed since the fill before, newest first', () => {
    const rows = [
      visit({
        id: 2,
        performedAt: 30 * DAY_MS,
        expectedResidualUl: 5_000,
        aspiratedResidualUl: 2_600,
        discrepancyUl: 2_400,
        discrepancyFlag: 'over-delivery',
      }),
      visit({ id: 1, kind: 'initial-fill', performedAt: 0 }),
    ];
    const [latest, first] = visitDtos(
      rows,
      new Map([[1, { product: 'Lioresal Intrathecal', doseUnit: 'mcg' as const }]]),
    );
    // reference.md B7-3a: 15 mL delivered, +2.4 mL = 16 %.
    expect(latest).toMatchObject({
      id: 2,
      expectedResidualMl: 5,
      aspiratedResidualMl: 2.6,
      discrepancyMl: 2.4,
      discrepancyPct: 16,
      discrepancyFlag: 'over-delivery',
    });
    expect(first).toMatchObject({ id: 1, discrepancyPct: null, discrepancyMl: null });
  });
});

describe('forecastCurve', () => {
  it('starts at the fill and crosses the alarm volume exactly at the forecast alarm instant', () => {
    const { db, pump, now } = setup();
    const [r] = computeForecasts(loadForecastContexts(db, { pumpIds: [pump.id] }, now));
    const curve = forecastCurve(r!.context.input, r!.forecast);
    expect(curve[0]).toEqual({ at: r!.context.lastVisit.performedAt, volumeMl: 20 });
    const atAlarm = curve.find((p) => p.at === r!.forecast.lowReservoirAlarmAt);
    expect(atAlarm?.volumeMl).toBeCloseTo(2, 3);
    expect(curve[curve.length - 1]!.at).toBe(r!.forecast.emptyAt);
    expect(curve[curve.length - 1]!.volumeMl).toBe(0);
  });
});

describe('patientDetail and recordPatientView', () => {
  it('is scoped to the clinic and logs every view, one row per call', () => {
    const { db, clinic, patient, now } = setup();
    const other = createClinic(db, { name: 'Other' });
    expect(() => patientDetail(db, other.id, patient.id, now)).toThrow(/No such patient/);
    const detail = patientDetail(db, clinic.id, patient.id, now);
    expect(detail.today).toBe('2026-03-20');
    expect(detail.pumps[0]!.forecast!.volumeNowMl).toBeCloseTo(15, 6);
    const actor = { id: 'u1', name: 'Nurse', clinicId: clinic.id };
    recordPatientView(db, actor, patient.id, Date.now());
    recordPatientView(db, actor, patient.id, Date.now());
    recordPatientView(db, { ...actor, id: 'u2' }, patient.id, Date.now());
    expect(
      db
        .select()
        .from(s.auditLog)
        .all()
        .filter((a) => a.action === 'view' && a.entity === 'patient' && a.entityId === String(patient.id)),
    ).toHaveLength(3);
  });
});
