/**
 * Emergency pump cards and letters: everything one needs (explicit columns, one clinic), whether the last
 * printed card is outdated, and the record of each print (which program and refill it showed).
 */
import { and, desc, eq, inArray, isNull, max } from 'drizzle-orm';
import { localDateOf } from '@/lib/domain/calendar';
import { NotFoundError, ValidationError } from '@/lib/errors';
import type { CardKind } from '@/lib/validation/cards';
import { writeTransaction, type Db } from '../client';
import * as s from '../schema';
import { audit, type Actor } from './audit';
import { pumpForecastFor } from './pumps';
import { outdatedCards } from './worklist';

export interface PrintInfo {
  id: number;
  printedAt: number;
  byName: string | null;
  programId: number | null;
  refillVisitId: number | null;
}

export interface CardForecast {
  refillDueOn: string;
  lowReservoirAlarmAt: number | null;
  lowReservoirAlarmOn: string | null;
  emptyAt: number | null;
  emptyOn: string | null;
}

export interface CardData {
  now: number;
  /** The clinic-local date of `now`: the card's "printed" date. */
  today: string;
  clinic: {
    id: number;
    name: string;
    phone24h: string;
    phoneOffice: string | null;
    address: string;
    timeZone: string;
  };
  patient: {
    id: number;
    mrn: string;
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    allergies: string;
    backupOralPlan: string;
  };
  physician: { name: string } | null;
  pump: {
    id: number;
    serial: string;
    implantedOn: string;
    reservoirUl: number;
    alarmUl: number;
    flowUlPerDay: number | null;
    status: 'active' | 'explanted';
  };
  model: {
    manufacturer: string;
    name: string;
    modelNumber: string;
    kind: 'programmable' | 'constant-flow';
    mriRule: (typeof s.mriRules)[number];
    mriNote: string | null;
    hasCatheterAccessPort: boolean | null;
    supportPhone: string | null;
  };
  /** The active program, or null when none is recorded (the pages then refuse to print). */
  program: {
    id: number;
    versionNo: number;
    mode: (typeof s.programModes)[number];
    concentrationNgPerMl: number;
    doseNgPerDay: number;
    patientBolusDoseNg: number | null;
    patientBolusMaxPerDay: number | null;
    effectiveAt: number;
  } | null;
  drug: {
    name: string;
    product: string;
    doseUnit: 'mcg' | 'mg';
    withdrawalRisk: (typeof s.withdrawalRisks)[number];
  } | null;
  lastVisit: {
    id: number;
    performedAt: number;
    performedOn: string;
    kind: (typeof s.visitKinds)[number];
  } | null;
  forecast: CardForecast | null;
  status: CardStatus;
}

export interface CardStatus {
  pumpId: number;
  lastCard: PrintInfo | null;
  lastLetter: PrintInfo | null;
  /** A later program version or refill than the last card print (or never printed): the worklist's rule. */
  cardOutdated: boolean;
  /** The same rule applied to the letter. */
  letterOutdated: boolean;
}

type Reader = Pick<Db, 'select' | 'all'>;

/** The patient's pumps in the caller's clinic, active first, newest implant first. 404 for another clinic. */
export function cardPumpsOfPatient(db: Pick<Db, 'select'>, clinicId: number, patientId: number) {
  const patient = db
    .select({ id: s.patients.id })
    .from(s.patients)
    .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!patient) throw new NotFoundError('No such patient.');
  return db
    .select({
      id: s.pumps.id,
      status: s.pumps.status,
      implantedOn: s.pumps.implantedOn,
      serial: s.pumps.serial,
      modelName: s.pumpModels.name,
      modelNumber: s.pumpModels.modelNumber,
    })
    .from(s.pumps)
    .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
    .where(eq(s.pumps.patientId, patientId))
    .all()
    .sort((a, b) =>
      a.status === b.status
        ? b.implantedOn.localeCompare(a.implantedOn) || b.id - a.id
        : a.status === 'active'
          ? -1
          : 1,
    );
}

/** The pump a print page shows: the one asked for (it must be the patient's), else the patient's active pump. */
export function resolveCardPump(
  db: Pick<Db, 'select'>,
  clinicId: number,
  patientId: number,
  pumpId: number | undefined,
): number {
  const pumps = cardPumpsOfPatient(db, clinicId, patientId);
  if (pumpId != null) {
    if (!pumps.some((p) => p.id === pumpId)) throw new NotFoundError('No such pump for this patient.');
    return pumpId;
  }
  const first = pumps[0];
  if (!first) throw new NotFoundError('This patient has no pump recorded.');
  return first.id;
}

function lastPrint(db: Pick<Db, 'select'>, pumpId: number, kind: CardKind): PrintInfo | null {
  return (
    db
      .select({
        id: s.cardPrints.id,
        printedAt: s.cardPrints.printedAt,
        byName: s.users.name,
        programId: s.cardPrints.programId,
        refillVisitId: s.cardPrints.refillVisitId,
      })
      .from(s.cardPrints)
      .leftJoin(s.users, eq(s.users.id, s.cardPrints.byUserId))
      .where(and(eq(s.cardPrints.pumpId, pumpId), eq(s.cardPrints.kind, kind)))
      .orderBy(desc(s.cardPrints.printedAt), desc(s.cardPrints.id))
      .get() ?? null
  );
}

/**
 * Pumps whose last printed card or letter no longer matches: a program took effect or a refill was done after
 * it was printed. A pump never printed counts as outdated. The worklist's outdatedCards() rule, for either kind.
 */
export function outdatedPrints(
  db: Pick<Db, 'select'>,
  pumpIds: number[],
  kind: CardKind = 'card',
): Set<number> {
  if (pumpIds.length === 0) return new Set();
  const latest = (rows: { pumpId: number; at: number | null }[]) =>
    new Map(rows.map((r) => [r.pumpId, r.at ?? 0]));
  const printed = latest(
    db
      .select({ pumpId: s.cardPrints.pumpId, at: max(s.cardPrints.printedAt) })
      .from(s.cardPrints)
      .where(and(inArray(s.cardPrints.pumpId, pumpIds), eq(s.cardPrints.kind, kind)))
      .groupBy(s.cardPrints.pumpId)
      .all(),
  );
  const programs = latest(
    db
      .select({ pumpId: s.drugPrograms.pumpId, at: max(s.drugPrograms.effectiveAt) })
      .from(s.drugPrograms)
      .where(inArray(s.drugPrograms.pumpId, pumpIds))
      .groupBy(s.drugPrograms.pumpId)
      .all(),
  );
  const visits = latest(
    db
      .select({ pumpId: s.refillVisits.pumpId, at: max(s.refillVisits.performedAt) })
      .from(s.refillVisits)
      .where(inArray(s.refillVisits.pumpId, pumpIds))
      .groupBy(s.refillVisits.pumpId)
      .all(),
  );
  return new Set(
    pumpIds.filter((id) => (printed.get(id) ?? 0) < Math.max(programs.get(id) ?? 0, visits.get(id) ?? 0)),
  );
}

/**
 * The last card and letter printed for a pump of the caller's clinic, and whether each is outdated.
 * The card's flag is the worklist's own outdatedCards(), so the patient page and the worklist always agree.
 */
export function cardStatus(db: Reader, clinicId: number, pumpId: number): CardStatus {
  const owner = db
    .select({ id: s.pumps.id })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!owner) throw new NotFoundError('No such pump.');
  const lastCard = lastPrint(db, pumpId, 'card');
  const lastLetter = lastPrint(db, pumpId, 'letter');
  return {
    pumpId,
    lastCard,
    lastLetter,
    cardOutdated: outdatedCards(db, [pumpId]).has(pumpId),
    letterOutdated: outdatedPrints(db, [pumpId], 'letter').has(pumpId),
  };
}

/** Everything the card and the letter print, for one pump of one patient of the caller's clinic. */
export function loadCard(db: Db, clinicId: number, patientId: number, pumpId: number, now: number): CardData {
  const row = db
    .select({
      clinic: {
        id: s.clinics.id,
        name: s.clinics.name,
        phone24h: s.clinics.phone24h,
        phoneOffice: s.clinics.phoneOffice,
        address: s.clinics.address,
        timeZone: s.clinics.timeZone,
      },
      patient: {
        id: s.patients.id,
        mrn: s.patients.mrn,
        givenName: s.patients.givenName,
        familyName: s.patients.familyName,
        dateOfBirth: s.patients.dateOfBirth,
        allergies: s.patients.allergies,
        backupOralPlan: s.patients.backupOralPlan,
      },
      physicianName: s.users.name,
      pump: {
        id: s.pumps.id,
        serial: s.pumps.serial,
        implantedOn: s.pumps.implantedOn,
        reservoirUl: s.pumps.reservoirUl,
        alarmUl: s.pumps.alarmUl,
        flowUlPerDay: s.pumps.flowUlPerDay,
        status: s.pumps.status,
      },
      model: {
        manufacturer: s.pumpModels.manufacturer,
        name: s.pumpModels.name,
        modelNumber: s.pumpModels.modelNumber,
        kind: s.pumpModels.kind,
        mriRule: s.pumpModels.mriRule,
        mriNote: s.pumpModels.mriNote,
        hasCatheterAccessPort: s.pumpModels.hasCatheterAccessPort,
        supportPhone: s.pumpModels.supportPhone,
      },
    })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.clinics, eq(s.clinics.id, s.patients.clinicId))
    .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
    .leftJoin(s.users, eq(s.users.id, s.patients.managingPhysicianId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.id, patientId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such pump for this patient.');
  const timeZone = row.clinic.timeZone;

  const programRow = db
    .select({
      program: {
        id: s.drugPrograms.id,
        versionNo: s.drugPrograms.versionNo,
        mode: s.drugPrograms.mode,
        concentrationNgPerMl: s.drugPrograms.concentrationNgPerMl,
        doseNgPerDay: s.drugPrograms.doseNgPerDay,
        patientBolusDoseNg: s.drugPrograms.patientBolusDoseNg,
        patientBolusMaxPerDay: s.drugPrograms.patientBolusMaxPerDay,
        effectiveAt: s.drugPrograms.effectiveAt,
      },
      drug: {
        name: s.drugs.name,
        product: s.drugs.product,
        doseUnit: s.drugs.doseUnit,
        withdrawalRisk: s.drugs.withdrawalRisk,
      },
    })
    .from(s.drugPrograms)
    .innerJoin(s.drugs, eq(s.drugs.id, s.drugPrograms.drugId))
    .where(and(eq(s.drugPrograms.pumpId, pumpId), isNull(s.drugPrograms.supersededAt)))
    .get();

  const visit = db
    .select({ id: s.refillVisits.id, performedAt: s.refillVisits.performedAt, kind: s.refillVisits.kind })
    .from(s.refillVisits)
    .where(eq(s.refillVisits.pumpId, pumpId))
    .orderBy(desc(s.refillVisits.performedAt), desc(s.refillVisits.id))
    .get();

  let forecast: CardForecast | null = null;
  if (row.pump.status === 'active' && programRow && visit) {
    try {
      const f = pumpForecastFor(db, clinicId, pumpId, now).forecast;
      forecast = {
        refillDueOn: f.refillDueOn,
        lowReservoirAlarmAt: f.lowReservoirAlarmAt,
        lowReservoirAlarmOn:
          f.lowReservoirAlarmOn ??
          (f.lowReservoirAlarmAt != null ? localDateOf(f.lowReservoirAlarmAt, timeZone) : null),
        emptyAt: f.emptyAt,
        emptyOn: f.emptyAt != null ? localDateOf(f.emptyAt, timeZone) : null,
      };
    } catch (error) {
      // A pump the engine cannot forecast still gets a card: its dates print as "ask the clinic".
      if (!(error instanceof NotFoundError) && !(error instanceof ValidationError)) throw error;
    }
  }

  return {
    now,
    today: localDateOf(now, timeZone),
    clinic: row.clinic,
    patient: row.patient,
    physician: row.physicianName ? { name: row.physicianName } : null,
    pump: row.pump,
    model: row.model,
    program: programRow?.program ?? null,
    drug: programRow?.drug ?? null,
    lastVisit: visit ? { ...visit, performedOn: localDateOf(visit.performedAt, timeZone) } : null,
    forecast,
    status: cardStatus(db, clinicId, pumpId),
  };
}

export interface CardPrintRecord {
  id: number;
  pumpId: number;
  kind: CardKind;
  programId: number;
  refillVisitId: number | null;
  printedAt: number;
}

/**
 * Records that a card or letter was printed for a pump: the active program and the latest refill it showed,
 * in one transaction with the audit row. Refuses an explanted pump or one without a program.
 */
export function recordCardPrint(
  db: Db,
  actor: Actor,
  patientId: number,
  input: { pumpId: number; kind: CardKind },
  now: number,
): CardPrintRecord {
  return writeTransaction(db, (tx) => {
    const pump = tx
      .select({ id: s.pumps.id, status: s.pumps.status })
      .from(s.pumps)
      .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
      .where(
        and(
          eq(s.pumps.id, input.pumpId),
          eq(s.pumps.patientId, patientId),
          eq(s.patients.clinicId, actor.clinicId),
        ),
      )
      .get();
    if (!pump) throw new NotFoundError('No such pump for this patient.');
    if (pump.status !== 'active') {
      throw new ValidationError('This pump is explanted: print a card for the patient’s active pump.', {
        pumpId: 'Pump is explanted',
      });
    }
    const program = tx
      .select({ id: s.drugPrograms.id })
      .from(s.drugPrograms)
      .where(and(eq(s.drugPrograms.pumpId, pump.id), isNull(s.drugPrograms.supersededAt)))
      .get();
    if (!program) {
      throw new ValidationError('This pump has no active drug program: record one before printing a card.', {
        pumpId: 'Pump has no active program',
      });
    }
    const visit = tx
      .select({ id: s.refillVisits.id })
      .from(s.refillVisits)
      .where(eq(s.refillVisits.pumpId, pump.id))
      .orderBy(desc(s.refillVisits.performedAt), desc(s.refillVisits.id))
      .get();
    const record = tx
      .insert(s.cardPrints)
      .values({
        pumpId: pump.id,
        kind: input.kind,
        programId: program.id,
        refillVisitId: visit?.id ?? null,
        byUserId: actor.id,
        printedAt: now,
      })
      .returning({
        id: s.cardPrints.id,
        pumpId: s.cardPrints.pumpId,
        kind: s.cardPrints.kind,
        programId: s.cardPrints.programId,
        refillVisitId: s.cardPrints.refillVisitId,
        printedAt: s.cardPrints.printedAt,
      })
      .get();
    audit(tx, actor, 'print', 'card-print', record.id, null, { patientId, ...record });
    return { ...record, programId: program.id };
  });
}

/** The patient page's card panel: the print status, whether the pump can have a card, the clinic's zone. */
export function cardPanelData(
  db: Reader,
  clinicId: number,
  pumpId: number,
): CardStatus & { pumpActive: boolean; timeZone: string } {
  const row = db
    .select({ status: s.pumps.status, timeZone: s.clinics.timeZone })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.clinics, eq(s.clinics.id, s.patients.clinicId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such pump.');
  return { ...cardStatus(db, clinicId, pumpId), pumpActive: row.status === 'active', timeZone: row.timeZone };
}
