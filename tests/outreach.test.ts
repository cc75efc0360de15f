/**
 * Issue 16 item 4: the contact log, follow-ups and the recall list, on the demo clinic. The recall list is the
 * worklist's ranking restricted to the patients who need a call, so its order is checked against listWorklist.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { patientContactLog, recallList } from '../db/queries/outreach';
import { listWorklist } from '../db/queries/worklist';
import * as s from '../db/schema';
import { seedDemo } from '../db/seed';
import { clinicActor } from '../lib/clinic/actor';
import { answerAttendance, completeFollowUp, handleAttendanceRequest, logContactAttempt } from '../lib/clinic/outreach';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '../lib/domain/calendar';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import { formatLocalDate } from '../lib/format';
import { hashToken } from '../lib/token-hash';
import { freshDb } from './db';

const timeZone = 'America/Chicago';
const NOW = localDateTimeToInstant('2026-12-16', '10:00', timeZone);
const today = localDateOf(NOW, timeZone);
let db: Db;
let clinicId: number;

const staff = (email: string) => {
  const u = db.select().from(s.users).where(eq(s.users.email, email)).get()!;
  return { ...u, clinicId: u.clinicId! };
};
const patientNamed = (familyName: string) => db.select({ id: s.patients.id }).from(s.patients).where(eq(s.patients.familyName, familyName)).get()!.id;

beforeAll(async () => {
  db = freshDb();
  const seeded = await seedDemo(db, { now: NOW, timeZone });
  clinicId = seeded!.clinicId;
});

describe('the recall list', () => {
  it('lists the empty, past-alarm, overdue and no-show patients, not one booked in time, in the worklist order', () => {
    const { rows } = recallList(db, clinicId, NOW);
    const names = rows.map((r) => r.row.patientName);
    for (const n of ['Nguyen, Thomas', 'Carter, James', 'Alvarez, Maria', 'Martin, Olivia']) expect(names).toContain(n);
    expect(names).not.toContain('Rahman, Aisha');
    expect(rows.find((r) => r.row.patientName === 'Martin, Olivia')!.reasons).toContain('no-show');
    expect(rows.find((r) => r.row.patientName === 'Nguyen, Thomas')!.reasons[0]).toBe('empty');

    const worklist = listWorklist(db, clinicId, { pageSize: 200 }, NOW).rows.map((r) => r.pumpId);
    const positions = rows.map((r) => worklist.indexOf(r.row.pumpId));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe('logging a contact attempt', () => {
  it('refuses a follow-up in the past or for someone who does not phone patients, naming the field, and writes nothing', () => {
    const nurse = clinicActor(staff('nurse@demo.clinic'));
    const patientId = patientNamed('Alvarez');
    const past = () => logContactAttempt(db, nurse, patientId, { outcome: 'no-answer', note: '', followUp: { dueOn: addDaysToLocalDate(today, -1), assigneeId: nurse.id } }, NOW);
    expect(past).toThrow(ValidationError);
    try {
      past();
    } catch (e) {
      expect((e as ValidationError).fields).toEqual({
        'followUp.dueOn': `Follow-up date ${formatLocalDate(addDaysToLocalDate(today, -1))} is in the past: choose today (${formatLocalDate(today)}) or later`,
      });
    }
    // A patient of no clinic of this nurse's is not found, whatever the body.
    expect(() => logContactAttempt(db, nurse, 999_999, { outcome: 'no-answer', note: '', followUp: null }, NOW)).toThrow(new NotFoundError('No such patient.'));
    const admin = staff('admin@demo.clinic');
    expect(() => logContactAttempt(db, nurse, patientId, { outcome: 'no-answer', note: '', followUp: { dueOn: today, assigneeId: admin.id } }, NOW)).toThrow(
      /Assignee must be an active nurse, physician or front-desk member/,
    );
    // Nobody by that id in this clinic, and a nurse whose account is disabled: refused the same way, by field.
    const assigneeRefused = (assigneeId: string) => {
      try {
        logContactAttempt(db, nurse, patientId, { outcome: 'no-answer', note: '', followUp: { dueOn: today, assigneeId } }, NOW);
      } catch (e) {
        return (e as ValidationError).fields;
      }
      return null;
    };
    expect(assigneeRefused('no-such-user')).toEqual({ 'followUp.assigneeId': 'Assignee must be an active nurse, physician or front-desk member of this clinic' });
    const second = staff('nurse2@demo.clinic');
    db.update(s.users).set({ banned: true }).where(eq(s.users.id, second.id)).run();
    try {
      expect(assigneeRefused(second.id)).toEqual({ 'followUp.assigneeId': 'Assignee must be an active nurse, physician or front-desk member of this clinic' });
    } finally {
      db.update(s.users).set({ banned: false }).where(eq(s.users.id, second.id)).run();
    }
    expect(patientContactLog(db, clinicId, patientId).attempts).toHaveLength(0);
  });

  it('records who, when, the outcome and note with a follow-up, audits both, and the recall list shows them', () => {
    const desk = clinicActor(staff('desk@demo.clinic'));
    const nurse = staff('nurse@demo.clinic');
    const patientId = patientNamed('Alvarez');
    const tomorrow = addDaysToLocalDate(today, 1);
    const log = logContactAttempt(db, desk, patientId, { outcome: 'voicemail', note: 'Left a message', followUp: { dueOn: tomorrow, assigneeId: nurse.id } }, NOW);
    expect(log.attempts[0]).toMatchObject({ outcome: 'voicemail', note: 'Left a message', at: NOW, byName: desk.name });
    expect(log.followUps[0]).toMatchObject({ dueOn: tomorrow, assigneeId: nurse.id, doneAt: null });
    const audits = db
      .select({ action: s.auditLog.action, entity: s.auditLog.entity, entityId: s.auditLog.entityId, actorId: s.auditLog.actorId, before: s.auditLog.before, after: s.auditLog.after })
      .from(s.auditLog)
      .all()
      .filter((a) => a.entity === 'contact-attempt' || a.entity === 'follow-up');
    const attempt = log.attempts[0]!;
    const followUp = log.followUps[0]!;
    // What was written, as written: the attempt's outcome, note and time, the follow-up's day and assignee.
    expect(audits).toEqual([
      { action: 'create', entity: 'contact-attempt', entityId: String(attempt.id), actorId: desk.id, before: null, after: { patientId, outcome: 'voicemail', note: 'Left a message', at: NOW } },
      { action: 'create', entity: 'follow-up', entityId: String(followUp.id), actorId: desk.id, before: null, after: { patientId, contactAttemptId: attempt.id, dueOn: tomorrow, assigneeId: nurse.id } },
    ]);

    const row = recallList(db, clinicId, NOW + 60_000).rows.find((r) => r.row.patientId === patientId)!;
    expect(row.lastAttempt).toMatchObject({ outcome: 'voicemail', byName: desk.name });
    expect(row.nextFollowUp).toEqual({ dueOn: tomorrow, assigneeName: nurse.name });
  });

  it('closes a follow-up once: a stale version is a 409 and the recall list no longer shows it', () => {
    const nurse = clinicActor(staff('nurse@demo.clinic'));
    const patientId = patientNamed('Alvarez');
    const task = patientContactLog(db, clinicId, patientId).followUps[0]!;
    expect(completeFollowUp(db, nurse, task.id, { version: task.version, done: true }, NOW)).toMatchObject({ version: task.version + 1, doneAt: NOW });
    expect(() => completeFollowUp(db, nurse, task.id, { version: task.version, done: true }, NOW)).toThrow(ConflictError);
    expect(recallList(db, clinicId, NOW).rows.find((r) => r.row.patientId === patientId)!.nextFollowUp).toBeNull();
  });
});

describe('closing a follow-up: what is refused', () => {
  it('an unknown follow-up is not found; one already done is said to be, with its current version too', () => {
    const nurse = clinicActor(staff('nurse@demo.clinic'));
    expect(() => completeFollowUp(db, nurse, 999_999, { version: 1, done: true }, NOW)).toThrow(new NotFoundError('No such follow-up.'));
    const patientId = patientNamed('Carter');
    const log = logContactAttempt(db, nurse, patientId, { outcome: 'no-answer', note: '', followUp: { dueOn: today, assigneeId: nurse.id } }, NOW);
    const task = log.followUps[0]!;
    const done = completeFollowUp(db, nurse, task.id, { version: task.version, done: true }, NOW);
    expect(() => completeFollowUp(db, nurse, task.id, { version: done.version, done: true }, NOW)).toThrow(
      new ConflictError('This follow-up is already done.'),
    );
    const audit = db.select().from(s.auditLog).all().filter((a) => a.entity === 'follow-up' && a.entityId === String(task.id) && a.action === 'update');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { doneAt: null }, after: { doneAt: NOW, patientId } });
  });
});

describe("a patient's answer through the reminder link, and the front desk dealing with a request", () => {
  let seq = 0;
  /** A link for a booked appointment of the demo clinic, as the reminder issues it; returns its token. */
  function link(overrides: Partial<typeof s.attendanceLinks.$inferInsert> = {}) {
    const appointment = db
      .select()
      .from(s.appointments)
      .where(eq(s.appointments.status, 'booked'))
      .all()
      .find((a) => a.startsAt > NOW)!;
    seq++;
    const token = `${'t'.repeat(40)}${String(seq).padStart(3, '0')}`;
    const row = db
      .insert(s.attendanceLinks)
      .values({
        clinicId,
        appointmentId: appointment.id,
        tokenHash: hashToken(token),
        appointmentStartsAt: appointment.startsAt,
        expiresAt: appointment.startsAt,
        createdAt: NOW,
        ...overrides,
      })
      .returning()
      .get();
    return { token, id: row.id, appointment };
  }
  const row = (id: number) => db.select().from(s.attendanceLinks).where(eq(s.attendanceLinks.id, id)).get()!;

  it('records a confirmation once, without a note, audited as the patient', () => {
    const { token, id, appointment } = link();
    expect(answerAttendance(db, token, { response: 'confirmed', note: 'ignored' }, NOW)).toBe('recorded');
    expect(row(id)).toMatchObject({ response: 'confirmed', note: '', respondedAt: NOW });
    const audit = db.select().from(s.auditLog).all().filter((a) => a.entity === 'appointment-attendance' && a.entityId === String(appointment.id)).at(-1)!;
    expect(audit).toMatchObject({ action: 'update', actorId: null, actorLabel: 'Patient (reminder link)', after: { response: 'confirmed', note: '' } });
    expect(answerAttendance(db, token, { response: 'another-time', note: 'later' }, NOW)).toBe('already-answered');
    expect(row(id).response).toBe('confirmed');
  });

  it('keeps the note of a request for another time; an unknown link of the right shape is not found', () => {
    const { token, id } = link();
    expect(answerAttendance(db, token, { response: 'another-time', note: 'Any afternoon' }, NOW)).toBe('recorded');
    expect(row(id)).toMatchObject({ response: 'another-time', note: 'Any afternoon' });
    expect(() => answerAttendance(db, 'u'.repeat(43), { response: 'confirmed', note: '' }, NOW)).toThrow(new NotFoundError('This link is not valid.'));
    expect(() => answerAttendance(db, 'short', { response: 'confirmed', note: '' }, NOW)).toThrow(new NotFoundError('This link is not valid.'));
  });

  it('answers nothing once the link expired or the appointment moved', () => {
    const expired = link({ expiresAt: NOW });
    expect(answerAttendance(db, expired.token, { response: 'confirmed', note: '' }, NOW)).toBe('no-longer-valid');
    const moved = link();
    db.update(s.attendanceLinks).set({ appointmentStartsAt: moved.appointment.startsAt - 3_600_000 }).where(eq(s.attendanceLinks.id, moved.id)).run();
    expect(answerAttendance(db, moved.token, { response: 'confirmed', note: '' }, NOW)).toBe('no-longer-valid');
    expect(row(expired.id).response).toBeNull();
    expect(row(moved.id).response).toBeNull();
  });

  it('the front desk deals with a request once, audited; a confirmation or another clinic’s request is not one', () => {
    const desk = clinicActor(staff('desk@demo.clinic'));
    const request = link();
    answerAttendance(db, request.token, { response: 'another-time', note: '' }, NOW);
    expect(handleAttendanceRequest(db, desk, request.id, NOW + 1000)).toEqual({ id: request.id, handledAt: NOW + 1000 });
    expect(row(request.id)).toMatchObject({ handledAt: NOW + 1000, handledById: desk.id });
    const audit = db.select().from(s.auditLog).all().filter((a) => a.entity === 'attendance-request' && a.entityId === String(request.id));
    expect(audit).toEqual([
      expect.objectContaining({ action: 'update', actorId: desk.id, before: { handledAt: null }, after: { handledAt: NOW + 1000, appointmentId: request.appointment.id } }),
    ]);
    expect(() => handleAttendanceRequest(db, desk, request.id, NOW + 2000)).toThrow(new ConflictError('Someone has already dealt with this request.'));

    const confirmation = link();
    answerAttendance(db, confirmation.token, { response: 'confirmed', note: '' }, NOW);
    expect(() => handleAttendanceRequest(db, desk, confirmation.id, NOW)).toThrow(new NotFoundError('No such request for another time.'));
    expect(() => handleAttendanceRequest(db, { ...desk, clinicId: clinicId + 1000 }, request.id, NOW)).toThrow(NotFoundError);
    expect(row(confirmation.id).handledAt).toBeNull();
  });
});
