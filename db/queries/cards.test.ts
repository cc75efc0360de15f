/**
 * Emergency cards: what a card loads, which clinic may load it, the record of a print, and the "outdated"
 * rule (a later program version or refill than the last card print) shared with the worklist.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDb } from '@/tests/db';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import type { Db } from '../client';
import {
  DAY_MS,
  changeProgram,
  createClinic,
  createPatient,
  createPump,
  createRefillVisit,
  ensureCatalog,
  ul,
} from '../factories';
import * as s from '../schema';
import { cardStatus, loadCard, outdatedPrints, recordCardPrint, resolveCardPump } from './cards';
import { refreshForecasts } from './forecasts';
import { listWorklist } from './worklist';

// 10 March 2026, 15:00 UTC (09:00 in Chicago), a Tuesday.
const NOW = Date.UTC(2026, 2, 10, 15, 0);

let db: Db;
let clinic: s.Clinic;
let otherClinic: s.Clinic;
let nurse: { id: string; name: string; clinicId: number };
let catalog: ReturnType<typeof ensureCatalog>;

/** The fingerprint the print page would send for what it showed at `at` (a foreign pump has none to show). */
function fingerprintOf(patientId: number, pumpId: number, at: number): string {
  try {
    return loadCard(db, clinic.id, patientId, pumpId, at).fingerprint ?? '0'.repeat(64);
  } catch {
    return '0'.repeat(64);
  }
}

function addUser(clinicId: number, name: string, role: s.StaffRole) {
  const at = new Date(NOW);
  return db
    .insert(s.users)
    .values({
      id: randomUUID(),
      name,
      email: `${randomUUID()}@test.invalid`,
      role,
      clinicId,
      emailVerified: true,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
}

function addBaclofenPatient(
  clinicId = clinic.id,
  overrides: Partial<Parameters<typeof createPatient>[1]> = {},
) {
  const physician = addUser(clinicId, 'Dr. Ana Ortiz', 'physician');
  const patient = createPatient(db, {
    clinicId,
    mrn: `MRN-${randomUUID().slice(0, 8)}`,
    givenName: 'Maria',
    familyName: 'Alvarez',
    dateOfBirth: '1971-04-09',
    backupOralPlan: 'Oral baclofen 20 mg every 6 hours until seen',
    managingPhysicianId: physician.id,
    ...overrides,
  });
  const drug = catalog.drugs.get('Gablofen')!;
  const { pump, program } = createPump(db, {
    patientId: patient.id,
    model: catalog.models.get('8637-40')!,
    serial: 'NGP123456H',
    implantedOn: '2022-05-17',
    program: { drugId: drug.id, concentrationMcgPerMl: 2000, mode: 'simple', doseMcgPerDay: 1250 },
    filledAt: NOW - 9 * DAY_MS,
    fillMl: 40,
  });
  refreshForecasts(db, { pumpIds: [pump.id] }, NOW);
  return { patient, pump, program, drug, physician };
}

beforeEach(() => {
  db = freshDb();
  catalog = ensureCatalog(db);
  clinic = createClinic(db, {
    name: 'Riverside Spasticity Clinic',
    phone24h: '+1 555 010 0247',
    timeZone: 'America/Chicago',
  });
  otherClinic = createClinic(db, { name: 'Other Clinic', timeZone: 'Europe/Berlin' });
  const user = addUser(clinic.id, 'Nora Nurse, RN', 'nurse');
  nurse = { id: user.id, name: user.name, clinicId: clinic.id };
});

describe('loadCard', () => {
  it('loads every field the card prints, with units kept exact and dates in the clinic time zone', () => {
    const { patient, pump, program } = addBaclofenPatient();
    const card = loadCard(db, clinic.id, patient.id, pump.id, NOW);

    expect(card.patient).toMatchObject({
      givenName: 'Maria',
      familyName: 'Alvarez',
      dateOfBirth: '1971-04-09',
      backupOralPlan: expect.stringContaining('Oral baclofen'),
    });
    expect(card.drug).toEqual({
      name: 'baclofen',
      product: 'Gablofen',
      doseUnit: 'mcg',
      withdrawalRisk: 'severe',
    });
    expect(card.program).toMatchObject({
      id: program.id,
      mode: 'simple',
      concentrationNgPerMl: 2_000_000,
      doseNgPerDay: 1_250_000,
    });
    expect(card.model).toMatchObject({
      manufacturer: 'Medtronic',
      name: 'SynchroMed II',
      modelNumber: '8637-40',
      mriRule: 'interrogate-after',
      hasCatheterAccessPort: true,
    });
    expect(card.model.supportPhone).toContain('800-707-0933');
    expect(card.pump).toMatchObject({ serial: 'NGP123456H', implantedOn: '2022-05-17', reservoirUl: ul(40) });
    expect(card.clinic).toMatchObject({
      name: 'Riverside Spasticity Clinic',
      phone24h: '+1 555 010 0247',
      timeZone: 'America/Chicago',
    });
    expect(card.physician).toEqual({ name: 'Dr. Ana Ortiz' });
    // Filled 9 days ago at 09:00 Chicago time: 1 March 2026, the last refill date.
    expect(card.lastVisit?.performedOn).toBe('2026-03-01');
    expect(card.today).toBe('2026-03-10');
    // 1250 mcg/day at 2000 mcg/mL is 0.625 mL/day: 38 mL above the 2 mL alarm lasts 60.8 days, from 1 March
    // 09:00 to 1 May 05:12 (Chicago); the refill is due 7 days earlier (Friday 24 April); 40 mL last 64 days.
    expect(card.forecast?.lowReservoirAlarmOn).toBe('2026-05-01');
    expect(card.forecast?.refillDueOn).toBe('2026-04-24');
    expect(card.forecast?.emptyOn).toBe('2026-05-04');
  });

  it('never selects secrets or other rows: only the columns the card prints', () => {
    const { patient, pump } = addBaclofenPatient(clinic.id, {
      phone: '+1 555 999 1234',
      caregiverName: 'Carla Giver',
    });
    db.update(s.patients)
      .set({ address: '99 Private Lane', notes: 'private note' })
      .where(eq(s.patients.id, patient.id))
      .run();
    const json = JSON.stringify(loadCard(db, clinic.id, patient.id, pump.id, NOW));
    for (const secret of [
      'password',
      'tokenHash',
      'email',
      'private note',
      'Private Lane',
      '555 999 1234',
    ])
      expect(json).not.toContain(secret);
    // The caregiver is printed on the letter (issue 15, item 7): selected on purpose.
    expect(json).toContain('Carla Giver');
  });

  it('is "not found" for a patient of another clinic, and for a pump of another patient', () => {
    const { patient, pump } = addBaclofenPatient(otherClinic.id);
    expect(() => loadCard(db, clinic.id, patient.id, pump.id, NOW)).toThrow(NotFoundError);
    const mine = addBaclofenPatient();
    expect(() => loadCard(db, clinic.id, mine.patient.id, pump.id, NOW)).toThrow(NotFoundError);
    expect(() => resolveCardPump(db, clinic.id, patient.id, undefined)).toThrow(NotFoundError);
  });

  it('picks the active pump when none is named, and refuses a pump of another patient', () => {
    const { patient, pump } = addBaclofenPatient();
    db.update(s.pumps)
      .set({ status: 'explanted', explantedOn: '2026-03-05' })
      .where(eq(s.pumps.id, pump.id))
      .run();
    const replacement = createPump(db, {
      patientId: patient.id,
      model: catalog.models.get('8637-20')!,
      serial: 'NEW-1',
      implantedOn: '2026-03-05',
      program: {
        drugId: catalog.drugs.get('Gablofen')!.id,
        concentrationMcgPerMl: 2000,
        mode: 'simple',
        doseMcgPerDay: 1250,
      },
      filledAt: NOW - 5 * DAY_MS,
      fillMl: 20,
    }).pump;
    expect(resolveCardPump(db, clinic.id, patient.id, undefined)).toBe(replacement.id);
    expect(resolveCardPump(db, clinic.id, patient.id, pump.id)).toBe(pump.id);
    const other = addBaclofenPatient();
    expect(() => resolveCardPump(db, clinic.id, patient.id, other.pump.id)).toThrow(NotFoundError);
  });

  it('still loads a card without forecast dates when the pump has no program', () => {
    const { patient, pump } = addBaclofenPatient();
    db.delete(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pump.id)).run();
    db.update(s.refillVisits).set({ programId: null }).where(eq(s.refillVisits.pumpId, pump.id)).run();
    db.delete(s.drugPrograms).where(eq(s.drugPrograms.pumpId, pump.id)).run();
    const card = loadCard(db, clinic.id, patient.id, pump.id, NOW);
    expect(card.program).toBeNull();
    expect(card.forecast).toBeNull();
  });
});

describe('recordCardPrint', () => {
  it('stores the active program and the latest refill, with an audit row', () => {
    const { patient, pump, program, drug } = addBaclofenPatient();
    const visit = createRefillVisit(db, {
      pumpId: pump.id,
      drugId: drug.id,
      performedAt: NOW - DAY_MS,
      expectedResidualMl: 34.4,
      aspiratedResidualMl: 34,
      fillMl: 40,
      concentrationMcgPerMl: 2000,
      programId: program.id,
    });
    const record = recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'card', fingerprint: fingerprintOf(patient.id, pump.id, NOW) }, NOW);
    expect(record).toMatchObject({
      pumpId: pump.id,
      kind: 'card',
      programId: program.id,
      refillVisitId: visit.id,
      printedAt: NOW,
    });

    const stored = db.select().from(s.cardPrints).where(eq(s.cardPrints.id, record.id)).get();
    expect(stored).toMatchObject({
      programId: program.id,
      refillVisitId: visit.id,
      byUserId: nurse.id,
      kind: 'card',
    });
    const auditRow = db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.action, 'print'), eq(s.auditLog.entityId, String(record.id))))
      .get();
    expect(auditRow).toMatchObject({ clinicId: clinic.id, actorId: nurse.id, entity: 'card-print' });
    expect(auditRow?.after).toMatchObject({ patientId: patient.id, pumpId: pump.id, programId: program.id });
  });

  it('refuses a pump of another clinic (404) and an explanted pump (400), writing nothing', () => {
    const foreign = addBaclofenPatient(otherClinic.id);
    expect(() =>
      recordCardPrint(db, nurse, foreign.patient.id, { pumpId: foreign.pump.id, kind: 'card', fingerprint: fingerprintOf(foreign.patient.id, foreign.pump.id, NOW) }, NOW),
    ).toThrow(NotFoundError);
    const mine = addBaclofenPatient();
    expect(() =>
      recordCardPrint(db, nurse, mine.patient.id, { pumpId: foreign.pump.id, kind: 'card', fingerprint: fingerprintOf(mine.patient.id, foreign.pump.id, NOW) }, NOW),
    ).toThrow(NotFoundError);
    db.update(s.pumps)
      .set({ status: 'explanted', explantedOn: '2026-03-09' })
      .where(eq(s.pumps.id, mine.pump.id))
      .run();
    expect(() =>
      recordCardPrint(db, nurse, mine.patient.id, { pumpId: mine.pump.id, kind: 'card', fingerprint: fingerprintOf(mine.patient.id, mine.pump.id, NOW) }, NOW),
    ).toThrow(ValidationError);
    expect(db.select().from(s.cardPrints).all()).toHaveLength(0);
    expect(db.select().from(s.auditLog).where(eq(s.auditLog.action, 'print')).all()).toHaveLength(0);
  });
});

describe('the outdated rule', () => {
  it('a card never printed is outdated; printing clears it', () => {
    const { patient, pump } = addBaclofenPatient();
    expect(cardStatus(db, clinic.id, pump.id, NOW)).toMatchObject({ lastCard: null, cardOutdated: true });
    recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'card', fingerprint: fingerprintOf(patient.id, pump.id, NOW) }, NOW);
    const status = cardStatus(db, clinic.id, pump.id, NOW);
    expect(status.cardOutdated).toBe(false);
    expect(status.lastCard).toMatchObject({ printedAt: NOW, byName: 'Nora Nurse, RN' });
  });

  it('a dose change after the print makes the card outdated, on the patient page and on the worklist alike', () => {
    const { patient, pump, drug } = addBaclofenPatient();
    recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'card', fingerprint: fingerprintOf(patient.id, pump.id, NOW - 2 * DAY_MS) }, NOW - 2 * DAY_MS);
    changeProgram(
      db,
      pump.id,
      { drugId: drug.id, concentrationMcgPerMl: 2000, mode: 'simple', doseMcgPerDay: 1300 },
      NOW - DAY_MS,
    );
    refreshForecasts(db, { pumpIds: [pump.id] }, NOW);
    expect(cardStatus(db, clinic.id, pump.id, NOW).cardOutdated).toBe(true);
    const row = listWorklist(db, clinic.id, {}, NOW).rows.find((r) => r.pumpId === pump.id);
    expect(row?.cardOutdated).toBe(true);

    recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'card', fingerprint: fingerprintOf(patient.id, pump.id, NOW) }, NOW);
    expect(cardStatus(db, clinic.id, pump.id, NOW).cardOutdated).toBe(false);
    expect(listWorklist(db, clinic.id, {}, NOW).rows.find((r) => r.pumpId === pump.id)?.cardOutdated).toBe(
      false,
    );
  });

  it('a refill after the print makes the card outdated (the dates on it changed)', () => {
    const { patient, pump, program, drug } = addBaclofenPatient();
    recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'card', fingerprint: fingerprintOf(patient.id, pump.id, NOW - 2 * DAY_MS) }, NOW - 2 * DAY_MS);
    expect(cardStatus(db, clinic.id, pump.id, NOW).cardOutdated).toBe(false);
    createRefillVisit(db, {
      pumpId: pump.id,
      drugId: drug.id,
      performedAt: NOW - DAY_MS,
      expectedResidualMl: 35,
      aspiratedResidualMl: 35,
      fillMl: 40,
      concentrationMcgPerMl: 2000,
      programId: program.id,
    });
    expect(cardStatus(db, clinic.id, pump.id, NOW).cardOutdated).toBe(true);
  });

  it('a printed letter does not count as a printed card, and has its own flag', () => {
    const { patient, pump } = addBaclofenPatient();
    recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'letter', fingerprint: fingerprintOf(patient.id, pump.id, NOW) }, NOW);
    expect(cardStatus(db, clinic.id, pump.id, NOW)).toMatchObject({
      cardOutdated: true,
      letterOutdated: false,
      lastCard: null,
    });
  });

  it('the letter follows the same rule as the card, pump by pump', () => {
    const a = addBaclofenPatient();
    const b = addBaclofenPatient();
    recordCardPrint(db, nurse, a.patient.id, { pumpId: a.pump.id, kind: 'letter', fingerprint: fingerprintOf(a.patient.id, a.pump.id, NOW - 2 * DAY_MS) }, NOW - 2 * DAY_MS);
    recordCardPrint(db, nurse, b.patient.id, { pumpId: b.pump.id, kind: 'letter', fingerprint: fingerprintOf(b.patient.id, b.pump.id, NOW - 2 * DAY_MS) }, NOW - 2 * DAY_MS);
    changeProgram(db, b.pump.id, { drugId: b.drug.id, concentrationMcgPerMl: 2000, mode: 'simple', doseMcgPerDay: 1300 }, NOW - DAY_MS);
    expect([...outdatedPrints(db, clinic.id, [a.pump.id, b.pump.id], 'letter', NOW)]).toEqual([b.pump.id]);
    expect(cardStatus(db, clinic.id, b.pump.id, NOW).letterOutdated).toBe(true);
    expect(outdatedPrints(db, clinic.id, [], 'letter', NOW).size).toBe(0);
  });

  // Issue 15: the flag reacted only to a program change or a new refill. Every printed field counts now.
  const changes: [string, (x: ReturnType<typeof addBaclofenPatient>) => void][] = [
    ['a new allergy', ({ patient }) => {
      db.update(s.patients).set({ allergies: 'Penicillin (rash)' }).where(eq(s.patients.id, patient.id)).run();
    }],
    ['a name change', ({ patient }) => {
      db.update(s.patients).set({ familyName: 'Alvarez-Ruiz' }).where(eq(s.patients.id, patient.id)).run();
    }],
    ['another managing physician', ({ patient }) => {
      const other = addUser(clinic.id, 'Dr. Ben Okafor', 'physician');
      db.update(s.patients).set({ managingPhysicianId: other.id }).where(eq(s.patients.id, patient.id)).run();
    }],
    ['an alarm volume that moves the alarm date', ({ pump }) => {
      db.update(s.pumps).set({ alarmUl: ul(6) }).where(eq(s.pumps.id, pump.id)).run();
    }],
    ['a change of the clinic’s 24/7 phone', () => {
      db.update(s.clinics).set({ phone24h: '+1 555 010 9999' }).where(eq(s.clinics.id, clinic.id)).run();
    }],
    ['a new backup oral plan', ({ patient }) => {
      db.update(s.patients).set({ backupOralPlan: 'Oral baclofen 10 mg every 6 hours' }).where(eq(s.patients.id, patient.id)).run();
    }],
    ['a refill entered after the print but dated before it', ({ pump, drug, program }) => {
      createRefillVisit(db, {
        pumpId: pump.id,
        drugId: drug.id,
        performedAt: NOW - 3 * DAY_MS,
        expectedResidualMl: 36,
        aspiratedResidualMl: 36,
        fillMl: 40,
        concentrationMcgPerMl: 2000,
        programId: program.id,
      });
    }],
  ];
  for (const [what, change] of changes) {
    it(`${what} makes the printed card outdated, on the patient page and the worklist alike`, () => {
      const subject = addBaclofenPatient();
      const { patient, pump } = subject;
      recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'card', fingerprint: fingerprintOf(patient.id, pump.id, NOW - DAY_MS) }, NOW - DAY_MS);
      expect(cardStatus(db, clinic.id, pump.id, NOW).cardOutdated).toBe(false);
      change(subject);
      refreshForecasts(db, { pumpIds: [pump.id] }, NOW);
      expect(cardStatus(db, clinic.id, pump.id, NOW).cardOutdated).toBe(true);
      expect(listWorklist(db, clinic.id, {}, NOW).rows.find((r) => r.pumpId === pump.id)?.cardOutdated).toBe(true);
    });
  }

  it('the next day is not a change: printing the same facts again only changes the printed date', () => {
    const { patient, pump } = addBaclofenPatient();
    recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'card', fingerprint: fingerprintOf(patient.id, pump.id, NOW) }, NOW);
    expect(cardStatus(db, clinic.id, pump.id, NOW + 3 * DAY_MS).cardOutdated).toBe(false);
  });

  it('refuses a print whose page showed an older record (409), writing nothing', () => {
    const { patient, pump } = addBaclofenPatient();
    const shown = fingerprintOf(patient.id, pump.id, NOW);
    db.update(s.patients).set({ allergies: 'Latex' }).where(eq(s.patients.id, patient.id)).run();
    expect(() =>
      recordCardPrint(db, nurse, patient.id, { pumpId: pump.id, kind: 'card', fingerprint: shown }, NOW),
    ).toThrow(ConflictError);
    expect(db.select().from(s.cardPrints).all()).toHaveLength(0);
    expect(db.select().from(s.auditLog).where(eq(s.auditLog.action, 'print')).all()).toHaveLength(0);
  });

  it('a print recorded before fingerprints existed keeps the earlier rule (program or refill after it)', () => {
    const { pump, drug } = addBaclofenPatient();
    db.insert(s.cardPrints).values({ pumpId: pump.id, kind: 'card', printedAt: NOW - 2 * DAY_MS }).run();
    expect(cardStatus(db, clinic.id, pump.id, NOW).cardOutdated).toBe(false);
    changeProgram(db, pump.id, { drugId: drug.id, concentrationMcgPerMl: 2000, mode: 'simple', doseMcgPerDay: 1300 }, NOW - DAY_MS);
    expect(cardStatus(db, clinic.id, pump.id, NOW).cardOutdated).toBe(true);
  });

  it('cardStatus is "not found" for another clinic', () => {
    const { pump } = addBaclofenPatient(otherClinic.id);
    expect(() => cardStatus(db, clinic.id, pump.id, NOW)).toThrow(NotFoundError);
  });
});
