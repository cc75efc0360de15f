/**
 * Issue 16 item 5: the appointment reminder e-mail carries a one-time attendance link. A real SMTP server on loopback
 * receives the reminder; the test reads the link out of the message and follows it through the route handler the
 * patient's page posts to. Only the token's hash is stored, the link is good for one answer until the appointment.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { notificationEnvironment, runNotifications } from '../../db/notifications-worker';
import { getAppointment } from '../../db/queries/appointments';
import { attendanceLinkView, attendanceRequestQueue } from '../../db/queries/outreach';
import * as s from '../../db/schema';
import { answerAttendance } from '../../lib/clinic/outreach';
import { parseEnv } from '../../lib/env';
import { ATTENDANCE_LINK_PLACEHOLDER } from '../../lib/notifications/attendance';
import { emailTransport } from '../../lib/notifications/transports';
import { hashToken } from '../../lib/token-hash';
import { call } from '../api';
import { EVENING, demoClinicWithConsent, drugOrDoseIn, startSmtpSink, type ReceivedMail, type SmtpSink } from './fixtures';

const SECRET = 'attendance-test-secret-0123456789abcdef';
let sink: SmtpSink;
let db: Db;
let clinicId: number;
let reminders: ReceivedMail[];

const linkIn = (text: string) => /https:\/\/pumps\.example\.org\/attend\/([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? null;

beforeAll(async () => {
  sink = await startSmtpSink();
  const demo = await demoClinicWithConsent();
  db = demo.db;
  clinicId = demo.clinicId;
  // The route handler reads the app's connection.
  (globalThis as { __pumpDb?: Db }).__pumpDb = db;
  const environment = notificationEnvironment(parseEnv({ SMTP_URL: sink.url, SMTP_FROM: 'Clinic reminders <reminders@clinic.test>', PUBLIC_URL: 'https://pumps.example.org' }), SECRET);
  const email = emailTransport(sink.url, 'Clinic reminders <reminders@clinic.test>');
  await runNotifications(db, { email: email.send, sms: null, close: email.close }, environment, () => EVENING);
  email.close();
  reminders = sink.received.filter((m) => m.subject === 'Appointment reminder: tomorrow');
});
afterAll(async () => {
  await sink.close();
});

function appointmentOf(mail: ReceivedMail) {
  const row = db
    .select({ appointmentId: s.notifications.appointmentId, body: s.notifications.body })
    .from(s.notifications)
    .where(and(eq(s.notifications.toAddress, mail.to[0]!), eq(s.notifications.kind, 'appointment-evening')))
    .get()!;
  return { appointmentId: row.appointmentId!, storedBody: row.body };
}

describe('the attendance link in the appointment reminder', () => {
  it('is in each evening-before e-mail, different per appointment, with no drug or dose, and the outbox keeps only a placeholder', () => {
    expect(reminders.length).toBeGreaterThan(0);
    const tokens = reminders.map((m) => linkIn(m.text));
    for (const [i, m] of reminders.entries()) {
      expect(m.text).toContain('Please confirm you will come, or ask for another time: https://pumps.example.org/attend/');
      expect(drugOrDoseIn(db, m.text)).toBeNull();
      const { storedBody } = appointmentOf(m);
      expect(storedBody).toContain(ATTENDANCE_LINK_PLACEHOLDER);
      expect(storedBody).not.toContain(tokens[i]!);
    }
    expect(new Set(tokens).size).toBe(reminders.length);
  });

  it('is stored only as its hash, expiring when the appointment starts', () => {
    const mail = reminders[0]!;
    const token = linkIn(mail.text)!;
    const { appointmentId } = appointmentOf(mail);
    const link = db.select().from(s.attendanceLinks).where(eq(s.attendanceLinks.appointmentId, appointmentId)).get()!;
    expect(link.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(db.$client.prepare('select * from attendance_links').all())).not.toContain(token);
    expect(link.expiresAt).toBe(getAppointment(db, clinicId, appointmentId).startsAt);
  });

  it('followed from the e-mail: the page shows the time, a confirmation is recorded once and shows on the appointment', async () => {
    const { POST } = await import('../../app/api/v1/attendance/[token]/route');
    const mail = reminders[0]!;
    const token = linkIn(mail.text)!;
    const { appointmentId } = appointmentOf(mail);
    const appointment = getAppointment(db, clinicId, appointmentId);
    expect(attendanceLinkView(db, token, EVENING)).toMatchObject({ state: 'open', startsAt: appointment.startsAt, phone: '+1 555 010 0247' });

    const answered = await call(POST as never, { method: 'POST', rawBody: 'response=confirmed', headers: { 'content-type': 'application/x-www-form-urlencoded' }, params: { token } });
    expect(answered.status).toBe(303);
    expect(answered.headers.get('location')).toBe(`/attend/${token}`);
    expect(getAppointment(db, clinicId, appointmentId).attendance).toMatchObject({ response: 'confirmed', handled: false });
    expect(attendanceLinkView(db, token, EVENING)).toMatchObject({ state: 'answered', response: 'confirmed' });

    // Single use: a second answer changes nothing.
    const again = await call(POST as never, { method: 'POST', body: { response: 'another-time', note: 'later' }, params: { token } });
    expect(again.body).toEqual({ result: 'already-answered' });
    expect(getAppointment(db, clinicId, appointmentId).attendance?.response).toBe('confirmed');
    const audits = db.select().from(s.auditLog).where(and(eq(s.auditLog.entity, 'appointment-attendance'), eq(s.auditLog.entityId, String(appointmentId)))).all();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorLabel).toBe('Patient (reminder link)');
  });

  it('a request for another time lands in the front-desk queue with the patient’s note and on the appointment', () => {
    expect(reminders.length).toBeGreaterThanOrEqual(2); // the demo books several appointments for tomorrow
    const mail = reminders[1]!;
    const token = linkIn(mail.text)!;
    const { appointmentId } = appointmentOf(mail);
    expect(answerAttendance(db, token, { response: 'another-time', note: 'Any afternoon' }, EVENING)).toBe('recorded');
    const queue = attendanceRequestQueue(db, clinicId);
    expect(queue.map((q) => [q.appointmentId, q.note])).toContainEqual([appointmentId, 'Any afternoon']);
    expect(getAppointment(db, clinicId, appointmentId).attendance).toMatchObject({ response: 'another-time', note: 'Any afternoon' });
  });

  it('refuses unknown tokens with 404 and answers nothing once the appointment has started or was moved', async () => {
    const { POST } = await import('../../app/api/v1/attendance/[token]/route');
    const unknown = await call(POST as never, { method: 'POST', body: { response: 'confirmed' }, params: { token: 'A'.repeat(43) } });
    expect(unknown.status).toBe(404);
    const mail = reminders[reminders.length - 1]!;
    const token = linkIn(mail.text)!;
    const { appointmentId } = appointmentOf(mail);
    const startsAt = getAppointment(db, clinicId, appointmentId).startsAt;
    expect(attendanceLinkView(db, token, startsAt).state).toBe('no-longer-valid');
    expect(answerAttendance(db, token, { response: 'confirmed', note: '' }, startsAt)).toBe('no-longer-valid');
    db.update(s.appointments).set({ startsAt: startsAt + 3_600_000 }).where(eq(s.appointments.id, appointmentId)).run();
    expect(attendanceLinkView(db, token, EVENING).state).toBe('no-longer-valid');
    expect(answerAttendance(db, token, { response: 'confirmed', note: '' }, EVENING)).toBe('no-longer-valid');
  });

  it('is not in the e-mail when the server has no secret to sign it with', async () => {
    const local = await startSmtpSink();
    const demo = await demoClinicWithConsent();
    const email = emailTransport(local.url, 'reminders@clinic.test');
    await runNotifications(demo.db, { email: email.send, sms: null, close: email.close }, notificationEnvironment(parseEnv({ SMTP_URL: local.url, SMTP_FROM: 'reminders@clinic.test' })), () => EVENING);
    email.close();
    const mails = local.received.filter((m) => m.subject === 'Appointment reminder: tomorrow');
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails) {
      expect(m.text).not.toContain('/attend/');
      expect(m.text).not.toContain(ATTENDANCE_LINK_PLACEHOLDER);
    }
    await local.close();
  });
});
