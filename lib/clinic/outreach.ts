/**
 * The outreach list's writes (issue 16 item 4): log an attempt to reach a patient, with a follow-up task if
 * another call is needed; close a follow-up; deal with a patient's request for another time. And the patient's own
 * answer through an appointment reminder's one-time link (item 5). Each in one write transaction with its audit row.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { localDateOf } from '@/lib/domain/calendar';
import { formatLocalDate } from '@/lib/format';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { isAttendanceTokenShape } from '@/lib/notifications/attendance';
import { hashToken } from '@/lib/token-hash';
import type { AttendanceAnswer, ContactAttemptBody, FollowUpPatchBody } from '@/lib/validation/outreach';
import { writeTransaction, type Db } from '@/db/client';
import * as s from '@/db/schema';
import { appendAudit, audit } from '@/db/queries/audit';
import { patientContactLog, type ContactLog } from '@/db/queries/outreach';
import { assertSameVersion } from '@/db/queries/versioning';
import type { ClinicActor } from './actor';
import { fail } from './field-errors';

const PHONING_ROLES: readonly s.StaffRole[] = ['nurse', 'physician', 'front-desk'];

/** Records one attempt (now, by the actor) and, if asked, a follow-up call for a clinic day from today on. */
export function logContactAttempt(db: Db, actor: ClinicActor, patientId: number, input: ContactAttemptBody, now: number): ContactLog {
  return writeTransaction(db, (tx) => {
    const patient = tx
      .select({ id: s.patients.id, timeZone: s.clinics.timeZone })
      .from(s.patients)
      .innerJoin(s.clinics, eq(s.clinics.id, s.patients.clinicId))
      .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, actor.clinicId)))
      .get();
    if (!patient) throw new NotFoundError('No such patient.');
    if (input.followUp) {
      const today = localDateOf(now, patient.timeZone);
      if (input.followUp.dueOn < today)
        fail('followUp.dueOn', `Follow-up date ${formatLocalDate(input.followUp.dueOn)} is in the past: choose today (${formatLocalDate(today)}) or later`);
      const assignee = tx
        .select({ role: s.users.role, banned: s.users.banned })
        .from(s.users)
        .where(and(eq(s.users.id, input.followUp.assigneeId), eq(s.users.clinicId, actor.clinicId)))
        .get();
      if (!assignee || assignee.banned || !PHONING_ROLES.includes(assignee.role))
        fail('followUp.assigneeId', 'Assignee must be an active nurse, physician or front-desk member of this clinic');
    }
    const attempt = tx
      .insert(s.contactAttempts)
      .values({ clinicId: actor.clinicId, patientId, outcome: input.outcome, note: input.note, byId: actor.id, at: now })
      .returning()
      .get();
    audit(tx, actor, 'create', 'contact-attempt', attempt.id, null, { patientId, outcome: attempt.outcome, note: attempt.note, at: attempt.at });
    if (input.followUp) {
      const task = tx
        .insert(s.followUpTasks)
        .values({
          clinicId: actor.clinicId,
          patientId,
          contactAttemptId: attempt.id,
          dueOn: input.followUp.dueOn,
          assigneeId: input.followUp.assigneeId,
          createdById: actor.id,
          createdAt: now,
        })
        .returning()
        .get();
      audit(tx, actor, 'create', 'follow-up', task.id, null, { patientId, contactAttemptId: attempt.id, dueOn: task.dueOn, assigneeId: task.assigneeId });
    }
    return patientContactLog(tx, actor.clinicId, patientId);
  });
}

/** Closes a follow-up task (with the version read: a task someone else closed meanwhile is a 409). */
export function completeFollowUp(db: Db, actor: ClinicActor, taskId: number, input: FollowUpPatchBody, now: number): { id: number; version: number; doneAt: number } {
  return writeTransaction(db, (tx) => {
    const task = tx
      .select()
      .from(s.followUpTasks)
      .where(and(eq(s.followUpTasks.id, taskId), eq(s.followUpTasks.clinicId, actor.clinicId)))
      .get();
    if (!task) throw new NotFoundError('No such follow-up.');
    assertSameVersion('follow-up', input.version, task.version);
    if (task.doneAt != null) throw new ConflictError('This follow-up is already done.');
    const updated = tx
      .update(s.followUpTasks)
      .set({ doneAt: now, doneById: actor.id, version: task.version + 1 })
      .where(and(eq(s.followUpTasks.id, taskId), eq(s.followUpTasks.version, task.version)))
      .returning({ id: s.followUpTasks.id, version: s.followUpTasks.version, doneAt: s.followUpTasks.doneAt })
      .get();
    if (!updated) throw new ConflictError('The follow-up was changed by someone else meanwhile. Reload and try again.');
    audit(tx, actor, 'update', 'follow-up', taskId, { doneAt: null }, { doneAt: now, patientId: task.patientId });
    return { id: updated.id, version: updated.version, doneAt: now };
  });
}

/** The front desk has dealt with a patient's request for another time (called back, moved or kept it). */
export function handleAttendanceRequest(db: Db, actor: ClinicActor, linkId: number, now: number): { id: number; handledAt: number } {
  return writeTransaction(db, (tx) => {
    const link = tx
      .select({ id: s.attendanceLinks.id, response: s.attendanceLinks.response, handledAt: s.attendanceLinks.handledAt, appointmentId: s.attendanceLinks.appointmentId })
      .from(s.attendanceLinks)
      .where(and(eq(s.attendanceLinks.id, linkId), eq(s.attendanceLinks.clinicId, actor.clinicId)))
      .get();
    if (!link || link.response !== 'another-time') throw new NotFoundError('No such request for another time.');
    if (link.handledAt != null) throw new ConflictError('Someone has already dealt with this request.');
    tx.update(s.attendanceLinks).set({ handledAt: now, handledById: actor.id }).where(eq(s.attendanceLinks.id, linkId)).run();
    audit(tx, actor, 'update', 'attendance-request', linkId, { handledAt: null }, { handledAt: now, appointmentId: link.appointmentId });
    return { id: linkId, handledAt: now };
  });
}

export type AttendanceAnswerResult = 'recorded' | 'already-answered' | 'no-longer-valid';

/**
 * The patient's answer through the link: once, while the appointment is booked at the time the link was issued for
 * and has not started. An unknown token is a 404 like any other bearer secret. Audited as the patient's action.
 */
export function answerAttendance(db: Db, token: string, answer: AttendanceAnswer, now: number): AttendanceAnswerResult {
  if (!isAttendanceTokenShape(token)) throw new NotFoundError('This link is not valid.');
  return writeTransaction(db, (tx) => {
    const l = s.attendanceLinks;
    const link = tx
      .select({ id: l.id, clinicId: l.clinicId, appointmentId: l.appointmentId, appointmentStartsAt: l.appointmentStartsAt, expiresAt: l.expiresAt, response: l.response, status: s.appointments.status, startsAt: s.appointments.startsAt })
      .from(l)
      .innerJoin(s.appointments, eq(s.appointments.id, l.appointmentId))
      .where(eq(l.tokenHash, hashToken(token)))
      .get();
    if (!link) throw new NotFoundError('This link is not valid.');
    if (now >= link.expiresAt || link.status !== 'booked' || link.startsAt !== link.appointmentStartsAt) return 'no-longer-valid';
    if (link.response) return 'already-answered';
    const updated = tx
      .update(l)
      .set({ response: answer.response, note: answer.response === 'another-time' ? answer.note : '', respondedAt: now })
      .where(and(eq(l.id, link.id), isNull(l.response)))
      .returning({ id: l.id })
      .get();
    if (!updated) return 'already-answered';
    appendAudit(
      tx,
      {
        clinicId: link.clinicId,
        actorId: null,
        actorLabel: 'Patient (reminder link)',
        action: 'update',
        entity: 'appointment-attendance',
        entityId: String(link.appointmentId),
        before: null,
        after: { response: answer.response, note: answer.response === 'another-time' ? answer.note : '' },
      },
      now,
    );
    return 'recorded';
  });
}
