import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@/lib/domain/errors';
import { ValidationError } from '@/lib/errors';
import { freshDb } from '@/tests/db';
import {
  createAppointment,
  createClinic,
  createPatient,
  createPump,
  DAY_MS,
  ensureCatalog,
} from '../factories';
import { asValidationError } from '@/lib/clinic/field-errors';
import { nextRefillSlots } from './refills';

describe('nextRefillSlots', () => {
  const db = freshDb();
  const catalog = ensureCatalog(db);
  const clinic = createClinic(db, { timeZone: 'America/Chicago' });
  const patient = createPatient(db, { clinicId: clinic.id, mrn: 'S-1' });
  const { pump } = createPump(db, {
    patientId: patient.id,
    model: catalog.models.get('8637-20')!,
    serial: 'S',
    implantedOn: '2026-01-01',
    program: {
      drugId: catalog.drugs.get('Lioresal Intrathecal')!.id,
      concentrationMcgPerMl: 500,
      mode: 'simple',
      doseMcgPerDay: 250,
    },
    filledAt: Date.UTC(2026, 0, 5, 15),
    fillMl: 20,
  });
  // Monday 2 March 2026, 08:00 in Chicago.
  const now = Date.UTC(2026, 2, 2, 14);

  it('offers the earliest open slot on each of five clinic days in the week up to the due date, not tomorrow', () => {
    // Due Friday 27 March: the week before it holds Fri 20 and Mon 23 to Thu 26 (the weekend is closed).
    const slots = nextRefillSlots(db, clinic.id, '2026-03-27', 'America/Chicago', now);
    expect(slots.map((sl) => `${sl.date} ${sl.time}`)).toEqual([
      '2026-03-20 08:30',
      '2026-03-23 08:30',
      '2026-03-24 08:30',
      '2026-03-25 08:30',
      '2026-03-26 08:30',
    ]);
  });

  it('skips booked times, and offers from now when the due date is within the week', () => {
    createAppointment(db, { pumpId: pump.id, startsAt: Date.UTC(2026, 2, 2, 14, 30) });
    const slots = nextRefillSlots(db, clinic.id, '2026-03-04', 'America/Chicago', now);
    expect(slots.map((sl) => `${sl.date} ${sl.time}`)).toEqual([
      '2026-03-02 09:00',
      '2026-03-03 08:30',
      '2026-03-04 08:30',
    ]);
  });

  it('offers the nearest earlier days when the week before the due date has no open day', () => {
    const closed = createClinic(db, {
      timeZone: 'America/Chicago',
      holidays: ['2026-03-20', '2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27'],
    });
    const slots = nextRefillSlots(db, closed.id, '2026-03-27', 'America/Chicago', now);
    expect(slots.map((sl) => sl.date)).toEqual([
      '2026-03-13',
      '2026-03-16',
      '2026-03-17',
      '2026-03-18',
      '2026-03-19',
    ]);
  });

  it('never offers a slot after the due date', () => {
    const slots = nextRefillSlots(db, clinic.id, '2026-03-01', 'America/Chicago', now - 3 * DAY_MS);
    for (const sl of slots) expect(sl.date <= '2026-03-01').toBe(true);
  });
});

describe('asValidationError', () => {
  it("turns a domain refusal into a 400 naming the form's field", () => {
    expect(() =>
      asValidationError(new InvalidInputError('visitAt', 'The visit is before the last refill')),
    ).toThrow(ValidationError);
    try {
      asValidationError(new InvalidInputError('visitAt', 'The visit is before the last refill'));
    } catch (error) {
      expect((error as ValidationError).fields).toEqual({
        performedAt: 'The visit is before the last refill',
      });
    }
    const other = new Error('boom');
    expect(() => asValidationError(other)).toThrow(other);
  });
});
