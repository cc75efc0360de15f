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
import { completeFollowUp, logContactAttempt } from '../lib/clinic/outreach';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '../lib/domain/calendar';
import { ConflictError, ValidationError } from '../lib/errors';
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
      expect((e as ValidationError).fields).toHaveProperty(['followUp.dueOn']);
    }
    const admin = staff('admin@demo.clinic');
    expect(() => logContactAttempt(db, nurse, patientId, { outcome: 'no-answer', note: '', followUp: { dueOn: today, assigneeId: admin.id } }, NOW)).toThrow(
      /Assignee must be an active nurse, physician or front-desk member/,
    );
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
    const audits = db.select({ entity: s.auditLog.entity, actorId: s.auditLog.actorId }).from(s.auditLog).all().filter((a) => a.entity === 'contact-attempt' || a.entity === 'follow-up');
    expect(audits).toEqual([
      { entity: 'contact-attempt', actorId: desk.id },
      { entity: 'follow-up', actorId: desk.id },
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
