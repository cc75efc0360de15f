/**
 * Booking, moving and cancelling appointments, and revising one as the side effect of another use case (a refill
 * marks it done, an explant cancels it, a replacement moves it): each with its audit row and SEQUENCE moved.
 */
import { and, eq } from 'drizzle-orm';
import { mayUndoNoShow, NO_SHOW_UNDO_MS } from '@/lib/domain/booking';
import { formatInstantForHumans, localDateOf } from '@/lib/domain/calendar';
import { ValidationError } from '@/lib/errors';
import { type AppointmentPatch, type BookAppointmentInput } from '@/lib/validation/appointment';
import { writeTransaction, type Db } from '@/db/client';
import * as s from '@/db/schema';
import { audit } from '@/db/queries/audit';
import { refreshForecasts } from '@/db/queries/forecasts';
import { assertSameVersion } from '@/db/queries/versioning';
import {
  type AppointmentDto,
  assertSchedulable,
  bookablePump,
  getAppointment,
  loadClinic,
  humanDate,
} from '@/db/queries/appointments';
import type { ClinicActor } from './actor';

const auditView = (a: AppointmentDto) => ({
  pumpId: a.pumpId,
  startsAt: a.startsAtIso,
  durationMinutes: a.durationMinutes,
  type: a.type,
  status: a.status,
  sequence: a.sequence,
  notes: a.notes,
  lateness: a.lateness,
  lateReason: a.lateReason,
  overbookReason: a.overbookReason,
});

export function bookAppointment(
  db: Db,
  actor: ClinicActor,
  input: BookAppointmentInput,
  now: number,
): AppointmentDto {
  return writeTransaction(db, (tx) => {
    bookablePump(tx, actor.clinicId, input.pumpId);
    const clinic = loadClinic(tx, actor.clinicId);
    const durationMinutes = input.durationMinutes ?? clinic.slotMinutes;
    const slot = assertSchedulable(
      tx,
      clinic,
      { pumpId: input.pumpId, date: input.date, time: input.time, durationMinutes },
      input,
      now,
    );
    const row = tx
      .insert(s.appointments)
      .values({
        pumpId: input.pumpId,
        startsAt: slot.startsAt,
        lateReason: slot.lateReason,
        overbookReason: slot.overbookReason,
        durationMinutes,
        type: input.type,
        status: 'booked',
        sequence: 0,
        notes: input.notes,
        createdById: actor.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: s.appointments.id })
      .get();
    refreshForecasts(tx, { pumpIds: [input.pumpId] }, now);
    const created = getAppointment(tx, actor.clinicId, row.id);
    audit(tx, actor, 'create', 'appointment', row.id, null, auditView(created));
    return created;
  });
}

const refuse = (message: string, field = 'action'): never => {
  throw new ValidationError(message, { [field]: message });
};

/** Move, cancel, mark done or mark no-show, with the version the caller read. */
export function changeAppointment(
  db: Db,
  actor: ClinicActor,
  id: number,
  patch: AppointmentPatch,
  now: number,
): AppointmentDto {
  return writeTransaction(db, (tx) => {
    const before = getAppointment(tx, actor.clinicId, id);
    assertSameVersion('appointment', patch.version, before.version);
    const clinic = loadClinic(tx, actor.clinicId);
    const label = `${before.status === 'no-show' ? 'a no-show' : before.status}`;
    if (patch.action === 'undo-no-show') {
      if (before.status !== 'no-show') refuse(`This appointment is ${label}, not a no-show: there is nothing to undo.`);
    } else if (before.status !== 'booked') {
      refuse(
        `This appointment is ${label}; only a booked appointment can be ${patch.action === 'move' ? 'moved' : patch.action === 'cancel' ? 'cancelled' : `marked ${patch.action}`}.`,
      );
    }

    let set: Partial<typeof s.appointments.$inferInsert>;
    switch (patch.action) {
      case 'move': {
        const durationMinutes = patch.durationMinutes ?? before.durationMinutes;
        if (
          patch.date === before.date &&
          patch.time === before.time &&
          durationMinutes === before.durationMinutes
        )
          return before;
        const slot = assertSchedulable(
          tx,
          clinic,
          { pumpId: before.pumpId, date: patch.date, time: patch.time, durationMinutes, excludeId: id },
          patch,
          now,
        );
        // The reasons confirmed for the new time replace the old ones (none needed: none kept).
        set = {
          startsAt: slot.startsAt,
          durationMinutes,
          lateReason: slot.lateReason,
          overbookReason: slot.overbookReason,
        };
        break;
      }
      case 'cancel': {
        const reason = patch.reason?.trim();
        set = {
          status: 'cancelled',
          notes: reason ? [before.notes, `Cancelled: ${reason}`].filter(Boolean).join('\n') : before.notes,
        };
        break;
      }
      case 'done': {
        if (before.date > localDateOf(now, clinic.timeZone))
          refuse(
            `This appointment is on ${humanDate(before.date)}; it can be marked done on that day or later.`,
          );
        set = { status: 'done' };
        break;
      }
      case 'no-show': {
        if (before.startsAt > now)
          refuse(
            `This appointment starts at ${formatInstantForHumans(before.startsAt, clinic.timeZone)}; a no-show can be recorded once that time has passed.`,
          );
        set = { status: 'no-show' };
        break;
      }
      case 'undo-no-show': {
        // The version check above makes the row's updatedAt the moment the no-show was recorded.
        const markedAt = tx
          .select({ updatedAt: s.appointments.updatedAt })
          .from(s.appointments)
          .where(eq(s.appointments.id, id))
          .get()!.updatedAt;
        if (!mayUndoNoShow(markedAt, now))
          refuse(
            `The no-show was recorded more than ${NO_SHOW_UNDO_MS / 60_000} minute ago and can no longer be undone. If the patient came after all, book them again.`,
          );
        set = { status: 'booked' };
        break;
      }
    }
    tx.update(s.appointments)
      // Every change here alters the start, the duration or the status: calendars must replace the event.
      .set({ ...set, sequence: before.sequence + 1, version: before.version + 1, updatedAt: now })
      .where(and(eq(s.appointments.id, id), eq(s.appointments.version, before.version)))
      .run();
    // A no-show or cancellation leaves the pump without an upcoming visit: the worklist must rank it as unbooked now.
    refreshForecasts(tx, { pumpIds: [before.pumpId] }, now);
    const after = getAppointment(tx, actor.clinicId, id);
    audit(tx, actor, 'update', 'appointment', id, auditView(before), {
      ...auditView(after),
      action: patch.action,
    });
    return after;
  });
}

/**
 * Changes an appointment as a side effect of another action (a refill marks it done, an explant cancels it, a
 * replacement moves it to the new pump): SEQUENCE goes up so that calendars replace the event, the optimistic
 * version goes up so that an open edit of it gets a 409, and the change is audited.
 */
export function reviseAppointment(
  tx: Pick<Db, 'update' | 'insert'>,
  actor: ClinicActor,
  appointment: Pick<s.Appointment, 'id' | 'sequence' | 'version'>,
  set: Partial<Pick<s.Appointment, 'status' | 'pumpId'>>,
  audited: { before: Record<string, unknown>; after: Record<string, unknown> },
  now: number,
): void {
  tx.update(s.appointments)
    .set({ ...set, sequence: appointment.sequence + 1, version: appointment.version + 1, updatedAt: now })
    .where(eq(s.appointments.id, appointment.id))
    .run();
  audit(tx, actor, 'update', 'appointment', appointment.id, audited.before, audited.after);
}
