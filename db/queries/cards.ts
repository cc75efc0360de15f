/**
 * Emergency pump cards and letters: everything one needs (explicit columns, one clinic), whether the last
 * printed card is outdated, and the record of each print (which program and refill it showed).
 */
import { and, desc, eq, inArray, isNull, max, sql } from 'drizzle-orm';
import { cardFingerprint } from '@/lib/cards/fingerprint';
import { cardView } from '@/lib/cards/view';
import { localDateOf } from '@/lib/domain/calendar';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import type { CardKind } from '@/lib/validation/cards';
import { writeTransaction, type Db } from '../client';
import * as s from '../schema';
import { audit, type Actor } from './audit';
import { pumpForecastFor } from './pumps';

export interface PrintInfo {
  id: number;
  printedAt: number;
  byName: string | null;
  programId: number | null;
  refillVisitId: number | null;
  /** The fingerprint of what was printed (prints recorded before fingerprints existed have none). */
  fingerprint: string | null;
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
    /** The key of the public emergency page in the QR link (never shown as text on its own). */
    emergencyCode: string;
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
    nameOrder: (typeof s.nameOrders)[number];
    dateOfBirth: string;
    allergies: string;
    backupOralPlan: string;
    caregiverName: string;
    caregiverPhone: string;
    riskInjuryT6OrAbove: boolean;
    riskCommunication: boolean;
    riskPriorWithdrawal: boolean;
    riskHearingImpaired: boolean;
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
    explantedOn: string | null;
  };
  /** The patient's active pump when this one is not it (an explanted pump's page points there), else null. */
  activePump: { id: number; serial: string } | null;
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
    flexSteps: s.FlexStepRow[] | null;
    periodicBoluses: s.PeriodicBolusRow[] | null;
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
  /** The fingerprint of what this card would print now; null when it cannot be printed. */
  fingerprint: string | null;
}

/** Everything printed, without the print status. */
export type CardContent = Omit<CardData, 'status' | 'fingerprint'>;

export interface CardStatus {
  pumpId: number;
  lastCard: PrintInfo | null;
  lastLetter: PrintInfo | null;
  /** What would print now differs from the last card printed (or never printed): the worklist's rule. */
  cardOutdated: boolean;
  /** The same rule applied to the letter. */
  letterOutdated: boolean;
}

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

/**
 * The fingerprint of a print lives in its audit row (entity 'card-print', `after.fingerprint`): card_prints has no
 * column for it, and this session adds no migration (docs/decisions: see the card fingerprint record).
 */
const printFingerprint = sql<string | null>`(select json_extract(a.after, '$.fingerprint') from audit_log a
  where a.entity = 'card-print' and a.entity_id = cast(card_prints.id as text) order by a.id desc limit 1)`;

function lastPrint(db: Pick<Db, 'select'>, pumpId: number, kind: CardKind): PrintInfo | null {
  return (
    db
      .select({
        id: s.cardPrints.id,
        printedAt: s.cardPrints.printedAt,
        byName: s.users.name,
        programId: s.cardPrints.programId,
        refillVisitId: s.cardPrints.refillVisitId,
        fingerprint: printFingerprint,
      })
      .from(s.cardPrints)
      .leftJoin(s.users, eq(s.users.id, s.cardPrints.byUserId))
      .where(and(eq(s.cardPrints.pumpId, pumpId), eq(s.cardPrints.kind, kind)))
      .orderBy(desc(s.cardPrints.printedAt), desc(s.cardPrints.id))
      .get() ?? null
  );
}

/** The fingerprint of what the card would print now for a pump (null: nothing printable). */
export function currentFingerprint(content: CardContent): string | null {
  const built = cardView(content);
  return 'view' in built ? cardFingerprint(built.view) : null;
}

/**
 * Pumps whose last printed card or letter no longer matches what would print now: its fingerprint differs from
 * the current one (any printed field changed). A pump never printed counts as outdated. A print recorded before
 * fingerprints existed falls back to the earlier rule: outdated when a program took effect or a refill was done
 * after it. The worklist and the patient page both call this, so they always agree.
 */
export function outdatedPrints(
  db: Db,
  clinicId: number,
  pumpIds: number[],
  kind: CardKind,
  now: number,
): Set<number> {
  if (pumpIds.length === 0) return new Set();
  const latestPrint = new Map<number, { printedAt: number; fingerprint: string | null }>();
  const prints = db
    .select({ pumpId: s.cardPrints.pumpId, printedAt: s.cardPrints.printedAt, fingerprint: printFingerprint })
    .from(s.cardPrints)
    .where(
      and(
        inArray(s.cardPrints.pumpId, pumpIds),
        eq(s.cardPrints.kind, kind),
        // Only each pump's latest print.
        sql`card_prints.id = (select cp.id from card_prints cp where cp.pump_id = card_prints.pump_id
          and cp.kind = ${kind} order by cp.created_at desc, cp.id desc limit 1)`,
      ),
    )
    .all();
  for (const p of prints) latestPrint.set(p.pumpId, p);
  const legacy = pumpIds.filter((id) => latestPrint.has(id) && latestPrint.get(id)!.fingerprint == null);
  const changedSince = legacyChangeTimes(db, legacy);
  return new Set(
    pumpIds.filter((id) => {
      const last = latestPrint.get(id);
      if (!last) return true;
      if (last.fingerprint == null) return last.printedAt < (changedSince.get(id) ?? 0);
      const content = cardContentOfPump(db, clinicId, id, now);
      return content == null || currentFingerprint(content) !== last.fingerprint;
    }),
  );
}

/** The latest program or refill instant per pump (the rule for prints recorded before fingerprints). */
function legacyChangeTimes(db: Pick<Db, 'select'>, pumpIds: number[]): Map<number, number> {
  const out = new Map<number, number>();
  if (pumpIds.length === 0) return out;
  const bump = (rows: { pumpId: number; at: number | null }[]) => {
    for (const r of rows) out.set(r.pumpId, Math.max(out.get(r.pumpId) ?? 0, r.at ?? 0));
  };
  bump(
    db
      .select({ pumpId: s.drugPrograms.pumpId, at: max(s.drugPrograms.effectiveAt) })
      .from(s.drugPrograms)
      .where(inArray(s.drugPrograms.pumpId, pumpIds))
      .groupBy(s.drugPrograms.pumpId)
      .all(),
  );
  bump(
    db
      .select({ pumpId: s.refillVisits.pumpId, at: max(s.refillVisits.performedAt) })
      .from(s.refillVisits)
      .where(inArray(s.refillVisits.pumpId, pumpIds))
      .groupBy(s.refillVisits.pumpId)
      .all(),
  );
  return out;
}

/** The card content of a pump of the clinic, whoever the patient; null when the pump is not the clinic's. */
function cardContentOfPump(db: Db, clinicId: number, pumpId: number, now: number): CardContent | null {
  const owner = db
    .select({ patientId: s.pumps.patientId })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
    .get();
  return owner ? loadCardContent(db, clinicId, owner.patientId, pumpId, now) : null;
}

/**
 * The last card and letter printed for a pump of the caller's clinic, and whether each is outdated.
 */
export function cardStatus(db: Db, clinicId: number, pumpId: number, now: number): CardStatus {
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
    cardOutdated: outdatedPrints(db, clinicId, [pumpId], 'card', now).has(pumpId),
    letterOutdated: outdatedPrints(db, clinicId, [pumpId], 'letter', now).has(pumpId),
  };
}

/** Everything the card and the letter print, for one pump of one patient of the caller's clinic, and its status. */
export function loadCard(db: Db, clinicId: number, patientId: number, pumpId: number, now: number): CardData {
  const content = loadCardContent(db, clinicId, patientId, pumpId, now);
  return { ...content, status: cardStatus(db, clinicId, pumpId, now), fingerprint: currentFingerprint(content) };
}

/** Everything the card and the letter print, for one pump of one patient of the caller's clinic. */
export function loadCardContent(
  db: Db,
  clinicId: number,
  patientId: number,
  pumpId: number,
  now: number,
): CardContent {
  const row = db
    .select({
      clinic: {
        id: s.clinics.id,
        emergencyCode: s.clinics.emergencyCode,
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
        nameOrder: s.patients.nameOrder,
        dateOfBirth: s.patients.dateOfBirth,
        allergies: s.patients.allergies,
        backupOralPlan: s.patients.backupOralPlan,
        caregiverName: s.patients.caregiverName,
        caregiverPhone: s.patients.caregiverPhone,
        riskInjuryT6OrAbove: s.patients.riskInjuryT6OrAbove,
        riskCommunication: s.patients.riskCommunication,
        riskPriorWithdrawal: s.patients.riskPriorWithdrawal,
        riskHearingImpaired: s.patients.riskHearingImpaired,
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
        explantedOn: s.pumps.explantedOn,
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
        flexSteps: s.drugPrograms.flexSteps,
        periodicBoluses: s.drugPrograms.periodicBoluses,
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
    activePump:
      row.pump.status === 'active'
        ? null
        : (db
            .select({ id: s.pumps.id, serial: s.pumps.serial })
            .from(s.pumps)
            .where(and(eq(s.pumps.patientId, patientId), eq(s.pumps.status, 'active')))
            .orderBy(desc(s.pumps.implantedOn), desc(s.pumps.id))
            .get() ?? null),
    model: row.model,
    program: programRow?.program ?? null,
    drug: programRow?.drug ?? null,
    lastVisit: visit ? { ...visit, performedOn: localDateOf(visit.performedAt, timeZone) } : null,
    forecast,
  };
}

export interface CardPrintRecord {
  id: number;
  pumpId: number;
  kind: CardKind;
  programId: number;
  refillVisitId: number | null;
  printedAt: number;
  fingerprint: string;
}

/**
 * Records that a card or letter was printed for a pump: the active program and the latest refill it showed,
 * in one transaction with the audit row. Refuses an explanted pump or one without a program.
 */
export function recordCardPrint(
  db: Db,
  actor: Actor,
  patientId: number,
  input: { pumpId: number; kind: CardKind; fingerprint: string },
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
    // What was on paper must be what the record says now: a change between loading the page and printing it
    // (another user's edit) means the paper is already outdated. `db` reads inside this transaction (one
    // connection, BEGIN IMMEDIATE), so the comparison and the insert see the same record.
    const current = currentFingerprint(loadCardContent(db, actor.clinicId, patientId, pump.id, now));
    if (current !== input.fingerprint) {
      throw new ConflictError(
        'The patient’s record changed after this page was loaded, so what was printed is already outdated. Reload the page and print again.',
      );
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
    audit(tx, actor, 'print', 'card-print', record.id, null, { patientId, ...record, fingerprint: current });
    return { ...record, programId: program.id, fingerprint: current };
  });
}

/** The patient page's card panel: the print status, whether the pump can have a card, the clinic's zone. */
export function cardPanelData(
  db: Db,
  clinicId: number,
  pumpId: number,
  now: number,
): CardStatus & { pumpActive: boolean; timeZone: string } {
  const row = db
    .select({ status: s.pumps.status, timeZone: s.clinics.timeZone })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.clinics, eq(s.clinics.id, s.patients.clinicId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such pump.');
  return { ...cardStatus(db, clinicId, pumpId, now), pumpActive: row.status === 'active', timeZone: row.timeZone };
}
