/**
 * The outreach list and the attendance link (issue 16 items 4 and 5), through the production server.
 * - A nurse logs a contact attempt with a follow-up on the patient page and sees it on /recall.
 * - A patient follows the one-time link out of a real reminder e-mail: the spec sends the reminder from the
 *   server's own database over a real SMTP server on loopback (as `npm run notifications -- --send-due` does, at the
 *   instant of the morning reminder), opens the link without signing in, asks for another time, and the front desk
 *   finds the request on /recall.
 */
import fs from 'node:fs';
import path from 'node:path';
import { closeDatabase, openDatabase } from '../db/client';
import { notificationEnvironment, runNotifications } from '../db/notifications-worker';
import { parseEnv } from '../lib/env';
import { emailTransport } from '../lib/notifications/transports';
import { startSmtpSink } from '../tests/notifications/smtp-sink';
import { expect, findSubject, sessionCookie, signIn, test } from './fixtures';

test('a nurse logs a contact attempt with a follow-up and sees it on the recall list', async ({ page }) => {
  await signIn(page, 'nurse');
  await page.goto('/recall');
  // The demo's overdue patient with no appointment needs a call.
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Alvarez, Maria' }) });
  await expect(row).toContainText('Refill overdue');
  await expect(row.getByRole('link', { name: /^\+?[\d\s()-]+$/ })).toHaveAttribute('href', /^tel:\+?\d+$/);

  await row.getByRole('link', { name: 'Alvarez, Maria' }).click();
  const panel = page.getByRole('region', { name: 'Contact log' });
  await panel.getByRole('button', { name: 'Log contact attempt' }).click();
  const form = panel.getByRole('form', { name: 'Contact attempt' });
  await form.getByRole('button', { name: 'Save attempt' }).click();
  await expect(form.getByText(/Outcome must be one of/)).toBeVisible();

  await form.getByLabel('Outcome').selectOption({ label: 'Called – voicemail' });
  await form.getByLabel('Note').fill('Left a message to call back about the refill');
  await form.getByLabel('Plan a follow-up call').check();
  await form.getByLabel('Assigned to').selectOption({ label: 'Nora Nurse, RN' });
  await form.getByRole('button', { name: 'Save attempt' }).click();
  await expect(panel.getByRole('row', { name: /Called – voicemail Left a message to call back about the refill Nora Nurse, RN/ })).toBeVisible();
  await expect(panel.getByRole('list', { name: 'Follow-ups' })).toContainText('Nora Nurse, RN');

  await page.goto('/recall');
  const after = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Alvarez, Maria' }) });
  await expect(after).toContainText('Called – voicemail');
  await expect(after).toContainText('Nora Nurse, RN');
});

test('a patient follows the attendance link of a real reminder e-mail and asks for another time; the front desk sees it', async ({ page, playwright, baseURL }) => {
  const origin = baseURL!;
  const api = await playwright.request.newContext({ baseURL: origin });
  const nurse = await sessionCookie(api, origin, 'nurse');
  const desk = await sessionCookie(api, origin, 'front-desk');
  const subject = await findSubject(api, 'Brooks', nurse);
  const address = 'samuel.brooks@patients.test';

  // Consent to e-mail reminders, and the first on-time slot (the demo has no appointment for this patient).
  const remindersUrl = `/api/v1/patients/${subject.patientId}/reminders`;
  const { contact } = (await (await api.get(remindersUrl, { headers: { cookie: nurse } })).json()) as { contact: { version: number } };
  expect((await api.patch(remindersUrl, { headers: { cookie: nurse, origin }, data: { version: contact.version, email: address, emailConsent: true, smsConsent: false } })).status()).toBe(200);
  const { slots } = (await (await api.get(`/api/v1/slots?pumpId=${subject.pumpId}&count=1`, { headers: { cookie: desk } })).json()) as { slots: { date: string; time: string }[] };
  const booking = await api.post('/api/v1/appointments', { headers: { cookie: desk, origin }, data: { pumpId: subject.pumpId, ...slots[0]! } });
  expect(booking.status(), await booking.text()).toBe(201);
  const appointment = (await booking.json()) as { id: number; startsAt: number; time: string };

  const sink = await startSmtpSink();
  const dbPath = path.join(process.env.E2E_DB_DIR!, 'e2e.db');
  const db = openDatabase(dbPath);
  try {
    // The server's own secret (generated beside its database), so the link is the one the server would send.
    const secret = fs.readFileSync(path.join(path.dirname(dbPath), '.auth-secret'), 'utf8').trim();
    const environment = notificationEnvironment(parseEnv({ SMTP_URL: sink.url, SMTP_FROM: 'Clinic reminders <reminders@clinic.test>', PUBLIC_URL: origin }), secret);
    const email = emailTransport(sink.url, 'Clinic reminders <reminders@clinic.test>');
    // A minute before the appointment: inside the morning-of reminder's window, whatever the time of day now.
    await runNotifications(db, { email: email.send, sms: null, close: email.close }, environment, () => appointment.startsAt - 60_000);
    email.close();

    const mail = sink.received.find((m) => m.to.includes(address) && m.subject === 'Appointment reminder: today');
    expect(mail, 'the morning-of reminder reached the SMTP server').toBeTruthy();
    const link = /(http:\/\/\S+\/attend\/[A-Za-z0-9_-]{43})/.exec(mail!.text)?.[1];
    expect(link, mail!.text).toBeTruthy();
    // The outbox keeps a placeholder, never the token itself.
    const stored = db.$client.prepare('select body from notifications where to_address = ? order by id desc limit 1').get(address) as { body: string };
    expect(stored.body).not.toContain(link!.split('/attend/')[1]);

    // The patient's phone: no session. The page shows the time and the clinic's phone, not the patient.
    const patientPage = await page.context().browser()!.newPage();
    await patientPage.goto(link!);
    await expect(patientPage.getByRole('heading', { name: 'Your clinic appointment' })).toBeVisible();
    await expect(patientPage.locator('.attend-when')).toHaveText(new RegExp(`^\\w{3} \\d{1,2} \\w{3} at ${appointment.time}$`));
    await expect(patientPage.getByRole('link', { name: '+1 555 010 0247' }).first()).toHaveAttribute('href', 'tel:+15550100247');
    await expect(patientPage.locator('body')).not.toContainText('Brooks');
    const other = patientPage.getByRole('form', { name: 'Ask for another time' });
    await other.getByLabel(/Times that suit you better/).fill('Any afternoon next week');
    await other.getByRole('button', { name: 'I need another time' }).click();
    await expect(patientPage.getByRole('status')).toContainText('you asked for another time');
    // Single use: the page offers no second answer.
    await patientPage.reload();
    await expect(patientPage.getByRole('button', { name: 'I will come' })).toHaveCount(0);
    await patientPage.close();

    await signIn(page, 'front-desk');
    await page.goto('/recall');
    const queue = page.getByRole('region', { name: 'Asked for another time' });
    const request = queue.getByRole('row').filter({ has: page.getByRole('link', { name: subject.name }) });
    await expect(request).toContainText('Any afternoon next week');
    await request.getByRole('button', { name: /Dealt with/ }).click();
    await expect(queue.getByRole('link', { name: subject.name })).toHaveCount(0);
  } finally {
    closeDatabase(db);
    await sink.close();
    const a = (await (await api.get(`/api/v1/appointments/${appointment.id}`, { headers: { cookie: desk } })).json()) as { version: number };
    await api.patch(`/api/v1/appointments/${appointment.id}`, { headers: { cookie: desk, origin }, data: { action: 'cancel', version: a.version, reason: 'e2e clean-up' } });
    const now = (await (await api.get(remindersUrl, { headers: { cookie: nurse } })).json()) as { contact: { version: number } };
    await api.patch(remindersUrl, { headers: { cookie: nurse, origin }, data: { version: now.contact.version, email: '', emailConsent: false, smsConsent: false } });
    await api.dispose();
  }
});
