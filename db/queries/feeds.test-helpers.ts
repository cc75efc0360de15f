/**
 * Test data for the calendar feeds: a patient with one active pump, its current refill cycle and a stored
 * forecast written directly (so that the tests choose the dates, independent of the forecast engine).
 */
import { eq } from 'drizzle-orm';
import { localDateOf } from '@/lib/domain/calendar';
import type { Db } from '../client';
import { createAppointment, createPatient, createPump, createRefillVisit, DAY_MS, ensureCatalog } from '../factories';
import * as s from '../schema';

export interface FeedPatientFixture {
  patient: s.Patient;
  pump: s.Pump;
  program: s.DrugProgram;
  visit: s.RefillVisit;
}

let serial = 0;

/**
 * A patient whose pump was refilled `refilledDaysAgo` days before `now`, with a stored forecast: alarm at
 * `alarmInDays`, refill due `dueInDays` (clinic-local date), computed one minute after the refill.
 */
export function feedPatient(
  db: Db,
  options: {
    clinicId: number;
    now: number;
    mrn: string;
    givenName?: string;
    familyName?: string;
    refilledDaysAgo?: number;
    dueInDays?: number;
    alarmInDays?: number | null;
  },
): FeedPatientFixture {
  const { models, drugs } = ensureCatalog(db);
  const model = models.get('8637-20')!;
  const drug = drugs.get('Lioresal Intrathecal')!;
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, options.clinicId)).get()!;
  const patient = createPatient(db, {
    clinicId: options.clinicId,
    mrn: options.mrn,
    givenName: options.givenName ?? 'Anna Maria',
    familyName: options.familyName ?? 'Zielinski',
  });
  const refilledAt = options.now - (options.refilledDaysAgo ?? 20) * DAY_MS;
  const { pump, program } = createPump(db, {
    patientId: patient.id,
    model,
    serial: `FEED-${++serial}`,
    implantedOn: '2024-01-10',
    program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
    filledAt: refilledAt - 60 * DAY_MS,
    fillMl: 20,
  });
  const visit = createRefillVisit(db, {
    pumpId: pump.id,
    drugId: drug.id,
    performedAt: refilledAt,
    expectedResidualMl: 3,
    aspiratedResidualMl: 3,
    fillMl: 20,
    concentrationMcgPerMl: 500,
    programId: program.id,
  });
  const alarmInDays = options.alarmInDays === undefined ? 16 : options.alarmInDays;
  db.insert(s.pumpForecasts)
    .values({
      pumpId: pump.id,
      clinicId: options.clinicId,
      lowReservoirAlarmAt: alarmInDays == null ? null : options.now + alarmInDays * DAY_MS,
      emptyAt: alarmInDays == null ? null : options.now + (alarmInDays + 4) * DAY_MS,
      refillDueOn: localDateOf(options.now + (options.dueInDays ?? 9) * DAY_MS, clinic.timeZone),
      stabilityExpiresOn: localDateOf(options.now + 100 * DAY_MS, clinic.timeZone),
      dailyVolumeUl: 500,
      worstCaseDailyVolumeUl: 500,
      computedAt: refilledAt + 60_000,
      datesChangedAt: refilledAt + 60_000,
    })
    .run();
  return { patient, pump, program, visit };
}

/** A booked appointment `inDays` from now (plus `atMinutes`), 30 minutes long. */
export function feedAppointment(db: Db, pumpId: number, startsAt: number, status: s.Appointment['status'] = 'booked') {
  return createAppointment(db, { pumpId, startsAt, status });
}

/** Moves an appointment as the appointments module does: new time, SEQUENCE + 1, version + 1, updatedAt. */
export function moveAppointment(db: Db, appointment: s.Appointment, startsAt: number, at: number): s.Appointment {
  return db
    .update(s.appointments)
    .set({ startsAt, sequence: appointment.sequence + 1, version: appointment.version + 1, updatedAt: at })
    .where(eq(s.appointments.id, appointment.id))
    .returning()
    .get();
}
