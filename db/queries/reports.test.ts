import { beforeAll, describe, expect, it } from 'vitest';
import { localDateTimeToInstant } from '@/lib/domain/calendar';
import { freshDb } from '@/tests/db';
import type { Db } from '../client';
import { createAppointment, createClinic, createPatient, createPump, createRefillVisit, DAY_MS, ensureCatalog } from '../factories';
import type * as s from '../schema';
import { refreshForecasts } from './forecasts';
import { clinicReport } from './reports';

let db: Db;
let clinic: s.Clinic;
const zone = 'America/Chicago';
// Thursday 3 Dec 2026, 09:00 in Chicago.
const now = localDateTimeToInstant('2026-12-03', '09:00', zone);
const at = (date: string) => localDateTimeToInstant(date, '10:00', zone);

beforeAll(() => {
  db = freshDb();
  const catalog = ensureCatalog(db);
  clinic = createClinic(db, { timeZone: zone });
  const drug = catalog.drugs.get('Lioresal Intrathecal')!;
  // 250 mcg/day at 500 mcg/mL is 0.5 mL/day: a 20 mL fill reaches the 2 mL alarm 36 days later.
  const pumpOf = (mrn: string, modelNumber: string, filledOn: string) => {
    const patient = createPatient(db, { clinicId: clinic.id, mrn });
    return createPump(db, {
      patientId: patient.id,
      model: catalog.models.get(modelNumber)!,
      serial: `SN-${mrn}`,
      implantedOn: '2024-01-01',
      program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
      filledAt: at(filledOn),
      fillMl: 20,
    });
  };
  const refill = (p: ReturnType<typeof pumpOf>, date: string, expectedMl: number, flag: 'none' | 'under-infusion' = 'none') =>
    createRefillVisit(db, {
      pumpId: p.pump.id,
      drugId: drug.id,
      performedAt: at(date),
      expectedResidualMl: expectedMl,
      aspiratedResidualMl: flag === 'none' ? expectedMl : expectedMl - 3,
      fillMl: 20,
      concentrationMcgPerMl: 500,
      programId: p.program.id,
      discrepancyFlag: flag,
    });

  // On time: 10 days after the fill (15 mL, 30 days of drug left), in October.
  const a = pumpOf('R-1', '8637-20', '2026-10-05');
  refill(a, '2026-10-15', 15);
  // Late: 40 days after the fill, past the alarm (0 mL left), in November; with an under-infusion.
  const b = pumpOf('R-2', '8637-40', '2026-10-01');
  refill(b, '2026-11-10', 0, 'under-infusion');
  // On time, November, 20 days after its fill (10 mL, 20 days left).
  const c = pumpOf('R-3', '8637-20', '2026-10-20');
  refill(c, '2026-11-09', 10);
  // Appointments: one attended and one missed in November; a booked future one counts for neither.
  createAppointment(db, { pumpId: a.pump.id, startsAt: at('2026-11-02'), status: 'done' });
  createAppointment(db, { pumpId: b.pump.id, startsAt: at('2026-11-03'), status: 'no-show' });
  createAppointment(db, { pumpId: c.pump.id, startsAt: at('2026-12-10'), status: 'booked' });
  refreshForecasts(db, { pumpIds: [a.pump.id, b.pump.id, c.pump.id] }, now);
});

describe('the clinic reports (issue 18, item 3)', () => {
  it('counts each month’s refills on time and late against the due date of the fill before them', () => {
    const report = clinicReport(db, clinic.id, now);
    expect(report.months).toHaveLength(12);
    expect(report.months[0]!.month).toBe('2026-01');
    expect(report.months.at(-1)!.month).toBe('2026-12');
    const oct = report.months.find((m) => m.month === '2026-10')!;
    const nov = report.months.find((m) => m.month === '2026-11')!;
    expect(oct).toMatchObject({ refills: 1, onTime: 1, late: 0, unjudged: 0 });
    expect(nov).toMatchObject({ refills: 2, onTime: 1, late: 1, unjudged: 0 });
    // Initial fills are not refills.
    expect(report.months.reduce((n, m) => n + m.refills, 0)).toBe(3);
  });

  it('gives the days of drug left at the refills: the stored residual over the daily volume then', () => {
    const report = clinicReport(db, clinic.id, now);
    const oct = report.months.find((m) => m.month === '2026-10')!;
    const nov = report.months.find((m) => m.month === '2026-11')!;
    expect(oct.medianMarginDays).toBe(30);
    expect(oct.minMarginDays).toBe(30);
    // 0 and 20 days: the median of two is their mean.
    expect(nov.medianMarginDays).toBe(10);
    expect(nov.minMarginDays).toBe(0);
    expect(report.months.find((m) => m.month === '2026-09')!.medianMarginDays).toBeNull();
  });

  it('counts attended and missed appointments per month, and discrepancies per pump model', () => {
    const report = clinicReport(db, clinic.id, now);
    expect(report.months.find((m) => m.month === '2026-11')).toMatchObject({ attended: 1, noShows: 1 });
    expect(report.months.find((m) => m.month === '2026-12')).toMatchObject({ attended: 0, noShows: 0 });
    const byModel = Object.fromEntries(report.models.map((m) => [m.model.split(' ').at(-1), m]));
    expect(byModel['8637-20']).toMatchObject({ refills: 2, discrepancies: 0 });
    expect(byModel['8637-40']).toMatchObject({ refills: 1, discrepancies: 1 });
  });

  it('gives the share of active pumps overdue today', () => {
    // R-1 was refilled on 15 Oct: at 0.5 mL/day it passed its 2 mL alarm on 20 Nov. The others were refilled in
    // November and are due next week.
    const report = clinicReport(db, clinic.id, now);
    expect(report).toMatchObject({ activePumps: 3, overduePumps: 1, today: '2026-12-03' });
  });

  it('leaves out what is older than the twelve months', () => {
    const later = clinicReport(db, clinic.id, now + 365 * DAY_MS);
    expect(later.months.reduce((n, m) => n + m.refills + m.attended + m.noShows, 0)).toBe(0);
  });
});
