/**
 * Done-when of issue 16: a real SMTP server on loopback receives the appointment reminder, the overdue reminder
 * and the staff digest for the demo clinic, with the expected content and no drug or dose.
 */
import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { notificationEnvironment, runNotifications } from '../../db/notifications-worker';
import { patientNotifications } from '../../db/queries/notifications';
import { clinicStatusSql } from '../../db/queries/worklist';
import * as s from '../../db/schema';
import { addDaysToLocalDate, formatInstantForHumans, localDateOf, localDateTimeToInstant } from '../../lib/domain/calendar';
import { parseEnv } from '../../lib/env';
import { emailTransport } from '../../lib/notifications/transports';
import { EVENING, demoClinicWithConsent, drugOrDoseIn, patientEmail, startSmtpSink, timeZone, type SmtpSink } from './fixtures';

let sink: SmtpSink;
let db: Db;
let clinicId: number;
let nurseEmail: string;

function environment() {
  return notificationEnvironment(parseEnv({ SMTP_URL: sink.url, SMTP_FROM: 'Clinic reminders <reminders@clinic.test>', PUBLIC_URL: 'https://pumps.example.org' }));
}
function transports() {
  const email = emailTransport(sink.url, 'Clinic reminders <reminders@clinic.test>');
  return { email: email.send, sms: null, close: email.close };
}

beforeAll(async () => {
  sink = await startSmtpSink();
  const demo = await demoClinicWithConsent();
  db = demo.db;
  clinicId = demo.clinicId;
  nurseEmail = demo.nurse.email;
  const t = transports();
  await runNotifications(db, t, environment(), () => EVENING);
  t.close();
});
afterAll(async () => {
  await sink.close();
});

const mailsTo = (address: string) => sink.received.filter((m) => m.to.includes(address));

describe('e-mail reminders for the demo clinic over SMTP', () => {
  it('sends the evening-before reminder for each appointment booked tomorrow, with its day and time and the clinic phone', () => {
    const tomorrow = addDaysToLocalDate(localDateOf(EVENING, timeZone), 1);
    const booked = db
      .select({ startsAt: s.appointments.startsAt, patientId: s.pumps.patientId })
      .from(s.appointments)
      .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
      .where(and(eq(s.appointments.status, 'booked'), gte(s.appointments.startsAt, localDateTimeToInstant(tomorrow, '00:00', timeZone)), lt(s.appointments.startsAt, localDateTimeToInstant(addDaysToLocalDate(tomorrow, 1), '00:00', timeZone))))
      .all();
    expect(booked.length).toBeGreaterThan(0);
    for (const a of booked) {
      // "Thu 17 Dec 2026 08:30" → "Thu 17 Dec at 08:30", from the app's nurse-facing formatter.
      const [wd, d, mon, , hm] = formatInstantForHumans(a.startsAt, timeZone).split(' ');
      const reminders = mailsTo(patientEmail(a.patientId)).filter((m) => m.subject === 'Appointment reminder: tomorrow');
      expect(reminders).toHaveLength(1);
      expect(reminders[0]!.text).toContain(`Your clinic appointment is ${wd} ${d} ${mon} at ${hm}. Call +1 555 010 0247 to change it.`);
    }
  });

  it('tells each patient whose refill is overdue (overdue, past the alarm, empty) to call the clinic today, and nobody else', () => {
    const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get()!;
    const { status } = clinicStatusSql(clinic, EVENING);
    const overdue = db
      .select({ patientId: s.pumps.patientId, status })
      .from(s.pumpForecasts)
      .innerJoin(s.pumps, eq(s.pumps.id, s.pumpForecasts.pumpId))
      .all()
      .filter((r) => r.status <= 2)
      .map((r) => patientEmail(r.patientId));
    expect(overdue.length).toBeGreaterThanOrEqual(3); // the demo's empty, past-alarm and overdue patients
    const told = sink.received.filter((m) => m.subject === 'Please call the clinic today');
    expect(told.flatMap((m) => m.to).sort()).toEqual([...new Set(overdue)].sort());
    for (const m of told) expect(m.text).toContain('Your clinic appointment is overdue. Please call the clinic today: +1 555 010 0247.');
  });

  it('sends the nurse on duty the digest: overdue pumps, no appointment, late appointments, discrepancies, with initials and links', () => {
    const digests = mailsTo(nurseEmail).filter((m) => m.subject.startsWith('Clinic digest Wed 16 Dec'));
    expect(digests).toHaveLength(1);
    const text = digests[0]!.text;
    const patient = (given: string, family: string) => db.select({ id: s.patients.id }).from(s.patients).where(and(eq(s.patients.givenName, given), eq(s.patients.familyName, family))).get()!.id;
    const section = (heading: string) => text.split('\n\n').find((b) => b.startsWith(heading)) ?? '';
    expect(section('Overdue pumps')).toContain(`M.A. refill was due`); // Maria Alvarez: overdue, no appointment
    expect(section('Overdue pumps')).toContain(`T.N. empty`); // Thomas Nguyen
    expect(section('Overdue pumps')).toContain(`https://pumps.example.org/patients/${patient('Maria', 'Alvarez')}`);
    expect(section('Pumps due soon or overdue with no appointment')).toContain(`https://pumps.example.org/patients/${patient('Maria', 'Alvarez')}`);
    expect(section('Appointments after the refill due date or the alarm date')).toContain(`J.C. appointment`); // James Carter: booked after the alarm
    expect(section('Residual discrepancies awaiting')).toContain(`D.O. critical discrepancy`); // David Okonkwo's under-infusion
    // Initials only: neither the full names nor the MRNs reach a mailbox.
    expect(text).not.toContain('Alvarez');
    expect(text).not.toMatch(/MRN|\b1000\d\d\b/);
  });

  it('puts no drug, dose or volume in any message, patient or staff', () => {
    expect(sink.received.length).toBeGreaterThan(5);
    for (const m of sink.received) expect({ to: m.to, found: drugOrDoseIn(db, `${m.subject}\n${m.text}`) }).toEqual({ to: m.to, found: null });
  });

  it('sends each outbox row once with its own stable Message-ID, records it as sent, and sends nothing again on the next run', async () => {
    const rows = db.select().from(s.notifications).all();
    expect(rows.length).toBe(sink.received.length);
    // The demo's critical alerts (empty, past the alarm, critical discrepancy) are unacknowledged: their physicians hear.
    expect(rows.filter((r) => r.kind === 'escalation-physician').length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    expect(sink.received.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.messageId).sort());
    const before = sink.received.length;
    const t = transports();
    const again = await runNotifications(db, t, environment(), () => EVENING + 5 * 60_000);
    t.close();
    expect(again).toEqual({ queued: 0, sent: 0, retrying: 0, failed: 0 });
    expect(sink.received.length).toBe(before);
  });

  it('shows the history with status on the patient page data', () => {
    const row = db.select({ patientId: s.notifications.patientId }).from(s.notifications).where(eq(s.notifications.kind, 'refill-overdue')).get()!;
    const history = patientNotifications(db, clinicId, row.patientId!);
    expect(history.map((h) => [h.kind, h.status])).toContainEqual(['refill-overdue', 'sent']);
  });
});

describe('a reminder the mail server refuses', () => {
  it('is not retried, is recorded as failed, and raises "reminder could not be delivered: call the patient" to the nurse on duty', async () => {
    const local = await startSmtpSink();
    const demo = await demoClinicWithConsent();
    const maria = demo.db.select({ id: s.patients.id }).from(s.patients).where(eq(s.patients.familyName, 'Alvarez')).get()!;
    local.refuse.add(patientEmail(maria.id));
    const email = emailTransport(local.url, 'reminders@clinic.test');
    const env = notificationEnvironment(parseEnv({ SMTP_URL: local.url, SMTP_FROM: 'reminders@clinic.test' }));
    await runNotifications(demo.db, { email: email.send, sms: null, close: email.close }, env, () => EVENING);
    email.close();
    const failed = demo.db.select().from(s.notifications).where(and(eq(s.notifications.patientId, maria.id), inArray(s.notifications.kind, ['refill-overdue']))).get()!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toMatch(/550/);
    const alert = local.received.filter((m) => m.to.includes(demo.nurse.email) && m.subject.startsWith('Reminder could not be delivered: call the patient (M.A.)'));
    expect(alert).toHaveLength(1);
    expect(alert[0]!.text).toContain(`/patients/${maria.id}`);
    // The next morning's digest lists it too.
    const history = patientNotifications(demo.db, demo.clinicId, maria.id);
    expect(history[0]).toMatchObject({ kind: 'refill-overdue', status: 'failed' });
    await local.close();
  });
});
