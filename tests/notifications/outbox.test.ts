/** The outbox's rules against the demo clinic: retries with backoff, superseded reminders, acknowledged alerts. */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationEnvironment, runNotifications } from '../../db/notifications-worker';
import { claimDue, deriveDue, enqueueDue } from '../../db/queries/notifications';
import * as s from '../../db/schema';
import { RETRY_DELAYS_MS } from '../../lib/notifications/delivery';
import { parseEnv } from '../../lib/env';
import { emailTransport } from '../../lib/notifications/transports';
import { EVENING, demoClinicWithConsent, startSmtpSink, type SmtpSink } from './fixtures';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.close());
const environment = () => notificationEnvironment(parseEnv({ SMTP_URL: sink.url, SMTP_FROM: 'reminders@clinic.test' }));

describe('a mail server that is briefly unavailable', () => {
  it('is retried after the backoff, and the message arrives once accepted, under the same Message-ID', async () => {
    const { db, nurse } = await demoClinicWithConsent();
    sink.received.length = 0;
    // 451: "try again later" for the digest's first attempt only.
    let refused = 0;
    sink.onMessage = (mail) => {
      if (mail.to.includes(nurse.email) && mail.subject.startsWith('Clinic digest') && refused++ === 0) {
        throw Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 });
      }
    };
    const email = emailTransport(sink.url, 'reminders@clinic.test');
    const t = { email: email.send, sms: null, close: email.close };
    const first = await runNotifications(db, t, environment(), () => EVENING);
    expect(first.retrying).toBe(1);
    const digest = () => db.select().from(s.notifications).where(eq(s.notifications.kind, 'staff-digest')).get()!;
    expect(digest()).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: EVENING + RETRY_DELAYS_MS[0] });
    expect(digest().lastError).toMatch(/451/);
    await runNotifications(db, t, environment(), () => EVENING + RETRY_DELAYS_MS[0] - 1);
    expect(digest().status).toBe('pending');
    await runNotifications(db, t, environment(), () => EVENING + RETRY_DELAYS_MS[0]);
    email.close();
    sink.onMessage = null;
    expect(digest()).toMatchObject({ status: 'sent', attempts: 2 });
    const copies = sink.received.filter((m) => m.messageId === digest().messageId);
    expect(copies).toHaveLength(2); // the refused attempt and the accepted one, one ID
  });
});

describe('a reminder written before the facts changed', () => {
  it('is cancelled, not sent, when its appointment moved before it went out', async () => {
    const { db } = await demoClinicWithConsent();
    enqueueDue(db, EVENING, environment());
    const reminder = db.select().from(s.notifications).where(eq(s.notifications.kind, 'appointment-evening')).get()!;
    db.update(s.appointments).set({ startsAt: reminder.appointmentStartsAt! + 86_400_000 }).where(eq(s.appointments.id, reminder.appointmentId!)).run();
    const claimed = claimDue(db, EVENING, 100);
    expect(claimed.map((c) => c.id)).not.toContain(reminder.id);
    expect(db.select().from(s.notifications).where(eq(s.notifications.id, reminder.id)).get()).toMatchObject({ status: 'cancelled', lastError: 'the appointment was moved' });
  });

  it('is cancelled when the patient withdraws consent', async () => {
    const { db } = await demoClinicWithConsent();
    enqueueDue(db, EVENING, environment());
    const reminder = db.select().from(s.notifications).where(eq(s.notifications.kind, 'refill-overdue')).get()!;
    const patient = db.select().from(s.patients).where(eq(s.patients.id, reminder.patientId!)).get()!;
    const { updateReminderContact } = await import('../../db/queries/notifications');
    const nurse = db.select().from(s.users).where(eq(s.users.email, 'nurse@demo.clinic')).get()!;
    updateReminderContact(db, { id: nurse.id, name: nurse.name, clinicId: patient.clinicId }, patient.id, { version: patient.version, email: patient.reminderEmail, emailConsent: false, smsConsent: false }, EVENING);
    expect(db.select().from(s.notifications).where(eq(s.notifications.id, reminder.id)).get()!.status).toBe('cancelled');
  });
});

describe('escalation', () => {
  it('skips a critical alert a nurse acknowledged after it became critical', async () => {
    const { db } = await demoClinicWithConsent();
    const escalatedPumps = () =>
      new Set(
        db
          .select({ pumpId: s.notifications.pumpId })
          .from(s.notifications)
          .where(eq(s.notifications.kind, 'escalation-physician'))
          .all()
          .map((r) => r.pumpId),
      );
    const thomas = db
      .select({ pumpId: s.pumps.id })
      .from(s.pumps)
      .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
      .where(and(eq(s.patients.givenName, 'Thomas'), eq(s.patients.familyName, 'Nguyen')))
      .get()!;
    const escalating = (now: number) => deriveDue(db, now, environment()).filter((d) => d.kind === 'escalation-physician').map((d) => d.pumpId);
    expect(escalating(EVENING)).toContain(thomas.pumpId); // unacknowledged, the empty pump escalates
    // An acknowledgement from an earlier episode, before the alert became critical, does not count.
    db.insert(s.alertAcknowledgements).values({ pumpId: thomas.pumpId, code: 'E1', action: 'acknowledge', severity: 'critical', reason: 'old', at: EVENING - 100 * 86_400_000 }).run();
    expect(escalating(EVENING)).toContain(thomas.pumpId);
    db.insert(s.alertAcknowledgements).values({ pumpId: thomas.pumpId, code: 'E1', action: 'acknowledge', severity: 'critical', reason: 'called, coming in now', at: EVENING - 60_000 }).run();
    enqueueDue(db, EVENING, environment());
    const escalated = escalatedPumps();
    expect(escalated.size).toBeGreaterThanOrEqual(2); // the past-alarm pump and the critical discrepancy still escalate
    expect(escalated.has(thomas.pumpId)).toBe(false);
  });

  it('an escalation waiting for a retry is cancelled once the alert is acknowledged', async () => {
    const { db } = await demoClinicWithConsent();
    enqueueDue(db, EVENING, environment());
    const row = db.select().from(s.notifications).where(and(eq(s.notifications.kind, 'escalation-physician'))).all().find((r) => r.key.includes(':past-alarm:'))!;
    db.insert(s.alertAcknowledgements).values({ pumpId: row.pumpId!, code: 'E1', action: 'acknowledge', severity: 'critical', reason: 'seen, refill booked today', at: EVENING }).run();
    claimDue(db, EVENING, 100);
    expect(db.select().from(s.notifications).where(eq(s.notifications.id, row.id)).get()).toMatchObject({ status: 'cancelled', lastError: 'the alert was acknowledged' });
  });
});
