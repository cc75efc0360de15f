/** A pump's edits, explant and replacement: each in one transaction, with the appointments it moves and its audit rows. */
import { and, eq, gt } from 'drizzle-orm';
import { localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { InvalidInputError } from '@/lib/domain/errors';
import { alarmVolumeProblem, fillVolumeProblem } from '@/lib/domain/volumes';
import { type ReplacePumpInput, type UpdatePumpInput } from '@/lib/validation/patient';
import { writeTransaction, type Db } from '@/db/client';
import { createPump } from '@/db/factories';
import * as s from '@/db/schema';
import { reviseAppointment } from './appointments';
import { audit } from '@/db/queries/audit';
import { refreshForecasts } from '@/db/queries/forecasts';
import { pumpInClinic } from '@/db/queries/pumps';
import { assertSameVersion } from '@/db/queries/versioning';
import type { ClinicActor } from './actor';
import { fail } from './field-errors';

const mlOrNull = (microlitres: number | null) => (microlitres == null ? null : microlitres / 1000);

function pumpSummary(p: s.Pump) {
  return {
    serial: p.serial,
    status: p.status,
    alarmUl: p.alarmUl,
    catheterVolumeUl: p.catheterVolumeUl,
    eriRecordedOn: p.eriRecordedOn,
    explantedOn: p.explantedOn,
    version: p.version,
  };
}

function clinicOf(db: Pick<Db, 'select'>, clinicId: number) {
  return db.select({ timeZone: s.clinics.timeZone }).from(s.clinics).where(eq(s.clinics.id, clinicId)).get()!;
}

/** Booked appointments of a pump from now on. */
function futureBooked(db: Pick<Db, 'select'>, pumpId: number, now: number) {
  return db
    .select({
      id: s.appointments.id,
      sequence: s.appointments.sequence,
      version: s.appointments.version,
      startsAt: s.appointments.startsAt,
    })
    .from(s.appointments)
    .where(
      and(
        eq(s.appointments.pumpId, pumpId),
        eq(s.appointments.status, 'booked'),
        gt(s.appointments.startsAt, now),
      ),
    )
    .all();
}

function explantChecks(pump: s.Pump, explantedOn: string, today: string): void {
  if (explantedOn < pump.implantedOn)
    fail('explantedOn', `Explant date cannot be before the implant date (${pump.implantedOn})`);
  if (explantedOn > today) fail('explantedOn', 'Explant date cannot be in the future');
}

/**
 * Edits a pump (alarm volume, catheter volume, ERI date) or explants it, if nobody saved in between. An explanted
 * pump leaves the worklist (its stored forecast is removed) and its booked appointments are cancelled.
 */
export function updatePump(db: Db, actor: ClinicActor, pumpId: number, input: UpdatePumpInput, now: number) {
  return writeTransaction(db, (tx) => {
    const pump = pumpInClinic(tx, actor.clinicId, pumpId);
    assertSameVersion('pump', input.version, pump.version);
    if (pump.status === 'explanted')
      fail(
        '(body)',
        `This pump was explanted on ${pump.explantedOn ?? 'an earlier date'}: it can no longer be changed.`,
      );
    const today = localDateOf(now, clinicOf(tx, actor.clinicId).timeZone);
    const changes: Partial<typeof s.pumps.$inferInsert> = {};
    if (input.alarmMl !== undefined) {
      const model = tx
        .select({ defaultAlarmUl: s.pumpModels.defaultAlarmUl })
        .from(s.pumpModels)
        .where(eq(s.pumpModels.id, pump.modelId))
        .get();
      const problem = alarmVolumeProblem(
        input.alarmMl,
        pump.reservoirUl / 1000,
        mlOrNull(model?.defaultAlarmUl ?? null),
      );
      if (problem) fail('alarmMl', problem);
      changes.alarmUl = Math.round(input.alarmMl * 1000);
    }
    if (input.catheterVolumeMl !== undefined)
      changes.catheterVolumeUl =
        input.catheterVolumeMl == null ? null : Math.round(input.catheterVolumeMl * 1000);
    if (input.eriRecordedOn !== undefined) {
      if (input.eriRecordedOn && input.eriRecordedOn > today)
        fail('eriRecordedOn', 'ERI date cannot be in the future');
      if (input.eriRecordedOn && input.eriRecordedOn < pump.implantedOn)
        fail('eriRecordedOn', `ERI date cannot be before the implant date (${pump.implantedOn})`);
      changes.eriRecordedOn = input.eriRecordedOn;
    }
    if (input.explantedOn !== undefined) {
      explantChecks(pump, input.explantedOn, today);
      changes.status = 'explanted';
      changes.explantedOn = input.explantedOn;
    }
    const updated = tx
      .update(s.pumps)
      .set({ ...changes, version: pump.version + 1, updatedAt: now })
      .where(and(eq(s.pumps.id, pumpId), eq(s.pumps.version, pump.version)))
      .returning()
      .get();
    if (!updated) return assertSameVersion('pump', input.version, pump.version + 1) as never;
    audit(tx, actor, 'update', 'pump', pumpId, pumpSummary(pump), {
      ...pumpSummary(updated),
      reason: input.reason ?? '',
    });
    if (changes.status === 'explanted') {
      for (const a of futureBooked(tx, pumpId, now)) {
        reviseAppointment(
          tx,
          actor,
          a,
          { status: 'cancelled' },
          { before: { status: 'booked' }, after: { status: 'cancelled', reason: 'Pump explanted' } },
          now,
        );
      }
    }
    refreshForecasts(tx, { pumpIds: [pumpId] }, now);
    return { id: updated.id, version: updated.version, status: updated.status, patientId: updated.patientId };
  });
}

/**
 * Explants a pump and implants its replacement in one transaction: the new pump (model from the catalogue, alarm
 * and reservoir defaulting to the model's), its first program and initial fill. Booked refills move to the new pump.
 */
export function replacePump(
  db: Db,
  actor: ClinicActor,
  pumpId: number,
  input: ReplacePumpInput,
  now: number,
) {
  return writeTransaction(db, (tx) => {
    const old = pumpInClinic(tx, actor.clinicId, pumpId);
    assertSameVersion('pump', input.version, old.version);
    if (old.status === 'explanted')
      fail('(body)', `This pump was already explanted on ${old.explantedOn ?? 'an earlier date'}.`);
    const timeZone = clinicOf(tx, actor.clinicId).timeZone;
    const today = localDateOf(now, timeZone);
    explantChecks(old, input.explantedOn, today);
    const n = input.newPump;
    if (n.implantedOn > today) fail('newPump.implantedOn', 'Implant date cannot be in the future');
    const model = tx.select().from(s.pumpModels).where(eq(s.pumpModels.id, n.modelId)).get();
    if (!model) fail('newPump.modelId', 'Pump model must be chosen from the catalogue');
    const reservoirMl = n.reservoirMl ?? (model.reservoirUl != null ? model.reservoirUl / 1000 : null);
    if (reservoirMl == null)
      fail('newPump.reservoirMl', `Reservoir volume is required: the ${model.name} catalogue entry has none`);
    const alarmMl = n.alarmMl ?? (model.defaultAlarmUl != null ? model.defaultAlarmUl / 1000 : null);
    if (alarmMl == null)
      fail('newPump.alarmMl', `Alarm volume is required: the ${model.name} has no default alarm volume`);
    const alarmProblem = alarmVolumeProblem(alarmMl, reservoirMl, mlOrNull(model.defaultAlarmUl));
    if (alarmProblem) fail('newPump.alarmMl', alarmProblem);
    if (model.kind === 'constant-flow' && n.flowMlPerDay == null)
      fail('newPump.flowMlPerDay', 'Flow rate is required for a constant-flow pump (mL/day)');
    if (model.kind === 'constant-flow' && input.program.mode !== 'constant-flow')
      fail('program.mode', 'Mode must be constant-flow for a constant-flow pump');
    if (model.kind === 'programmable' && input.program.mode === 'constant-flow')
      fail('program.mode', 'Constant-flow mode needs a constant-flow pump: choose simple or flex');
    const fillProblem = fillVolumeProblem(input.initialFill.volumeMl, reservoirMl, alarmMl, 'Initial fill');
    if (fillProblem) fail('initialFill.volumeMl', fillProblem);
    const drug = tx.select().from(s.drugs).where(eq(s.drugs.id, input.program.drugId)).get();
    if (!drug) fail('program.drugId', 'Drug must be chosen from the list');
    if (!drug.concentrationsNgPerMl.includes(Math.round(input.program.concentrationMcgPerMl * 1000)))
      fail(
        'program.concentrationMcgPerMl',
        `Concentration must be one of ${drug.concentrationsNgPerMl.map((c) => c / 1000).join(', ')} mcg/mL for ${drug.product}`,
      );
    if (input.initialFill.drugExpiresOn < n.implantedOn)
      fail(
        'initialFill.drugExpiresOn',
        `This drug expired on ${input.initialFill.drugExpiresOn}: do not use it`,
      );
    if (n.serial === old.serial && model.id === old.modelId)
      fail('newPump.serial', 'The new pump has the same model and serial number as the one explanted');

    // Explant the old pump.
    const explanted = tx
      .update(s.pumps)
      .set({ status: 'explanted', explantedOn: input.explantedOn, version: old.version + 1, updatedAt: now })
      .where(and(eq(s.pumps.id, pumpId), eq(s.pumps.version, old.version)))
      .returning()
      .get();
    if (!explanted) return assertSameVersion('pump', input.version, old.version + 1) as never;
    audit(tx, actor, 'update', 'pump', pumpId, pumpSummary(old), {
      ...pumpSummary(explanted),
      reason: input.reason,
    });

    // Implant the new one, filled now (or at noon of an earlier implant day, when recorded afterwards).
    const filledAt = n.implantedOn === today ? now : localDateTimeToInstant(n.implantedOn, '12:00', timeZone);
    const { pump, program } = createPump(tx, {
      patientId: old.patientId,
      model,
      serial: n.serial,
      implantedOn: n.implantedOn,
      alarmMl,
      reservoirMl,
      flowMlPerDay: model.kind === 'constant-flow' ? (n.flowMlPerDay ?? null) : null,
      catheterVolumeMl: n.catheterVolumeMl ?? null,
      program: {
        drugId: drug.id,
        concentrationMcgPerMl: input.program.concentrationMcgPerMl,
        mode: input.program.mode,
        doseMcgPerDay:
          input.program.mode === 'simple' ? (input.program.doseMcgPerDay ?? undefined) : undefined,
        flexSteps: input.program.mode === 'flex' ? (input.program.flexSteps ?? undefined) : undefined,
        periodicBoluses:
          input.program.mode === 'constant-flow' ? undefined : (input.program.periodicBoluses ?? undefined),
        patientBolus: input.program.mode === 'constant-flow' ? null : (input.program.patientBolus ?? null),
        reason: `Replacement of pump ${old.serial}: ${input.reason}`,
        prescriberId: actor.prescribes ? actor.id : null,
      },
      filledAt,
      fillMl: input.initialFill.volumeMl,
      drugLot: input.initialFill.drugLot,
    });
    tx.update(s.drugPrograms).set({ createdById: actor.id }).where(eq(s.drugPrograms.id, program.id)).run();
    tx.update(s.refillVisits)
      .set({
        performedById: actor.id,
        performedByName: actor.name,
        drugExpiresOn: input.initialFill.drugExpiresOn,
      })
      .where(and(eq(s.refillVisits.pumpId, pump.id), eq(s.refillVisits.kind, 'initial-fill')))
      .run();
    audit(tx, actor, 'create', 'pump', pump.id, null, {
      ...pumpSummary(pump),
      modelId: model.id,
      replaces: pumpId,
      programId: program.id,
      fillUl: Math.round(input.initialFill.volumeMl * 1000),
    });

    // Booked refills follow the patient to the new pump.
    for (const a of futureBooked(tx, pumpId, now)) {
      reviseAppointment(
        tx,
        actor,
        a,
        { pumpId: pump.id },
        { before: { pumpId }, after: { pumpId: pump.id, reason: 'Pump replaced' } },
        now,
      );
    }
    try {
      refreshForecasts(tx, { pumpIds: [pumpId, pump.id] }, now);
    } catch (error) {
      if (error instanceof InvalidInputError)
        fail(`program.${error.field.replace(/^programs\[\d+\]\./, '')}`, error.message);
      throw error;
    }
    return { oldPumpId: pumpId, newPumpId: pump.id, patientId: old.patientId };
  });
}
