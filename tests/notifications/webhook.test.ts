/** The provider-neutral SMS channel: signed JSON POSTed to a local HTTP receiver that checks the signature. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeTransaction } from '../../db/client';
import { notificationEnvironment, runNotifications } from '../../db/notifications-worker';
import * as s from '../../db/schema';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook, type SmsWebhookPayload } from '../../lib/notifications/delivery';
import { parseEnv } from '../../lib/env';
import { smsWebhookTransport } from '../../lib/notifications/transports';
import { EVENING, demoClinicWithConsent, drugOrDoseIn } from './fixtures';

const secret = 'webhook-secret-of-at-least-32-characters';
const received: { payload: SmsWebhookPayload; idempotencyKey: string | undefined }[] = [];
let refused = 0;
let server: http.Server;
let url = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const ok = verifyWebhook(secret, req.headers[TIMESTAMP_HEADER] as string, body, req.headers[SIGNATURE_HEADER] as string, Date.now());
      if (!ok) {
        refused++;
        res.writeHead(401).end();
        return;
      }
      received.push({ payload: JSON.parse(body) as SmsWebhookPayload, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function demoWithSmsConsent() {
  const demo = await demoClinicWithConsent();
  writeTransaction(demo.db, (tx) => {
    // SMS only for this test: e-mail consent off, SMS consent on.
    tx.update(s.patients).set({ emailRemindersConsentedAt: null, smsRemindersConsentedAt: EVENING - 86_400_000 }).run();
  });
  return demo;
}

it('POSTs each patient SMS as signed JSON with a stable id, accepted by a receiver that checks the signature', async () => {
  const { db } = await demoWithSmsConsent();
  const environment = notificationEnvironment(parseEnv({ SMS_WEBHOOK_URL: url, SMS_WEBHOOK_SECRET: secret }));
  const result = await runNotifications(db, { email: null, sms: smsWebhookTransport(url, secret), close: () => {} }, environment, () => EVENING);
  const rows = db.select().from(s.notifications).where(eq(s.notifications.channel, 'sms')).all();
  expect(rows.length).toBeGreaterThan(3);
  expect(result.sent).toBe(rows.length);
  expect(refused).toBe(0);
  expect(received.map((r) => r.payload.id).sort()).toEqual(rows.map((r) => r.messageId).sort());
  for (const { payload, idempotencyKey } of received) {
    const row = rows.find((r) => r.messageId === payload.id)!;
    expect(payload).toEqual({ id: row.messageId, kind: row.kind, to: row.toAddress, text: row.body, createdAt: row.createdAt });
    expect(idempotencyKey).toBe(payload.id);
    expect(drugOrDoseIn(db, payload.text)).toBeNull();
  }
  const patient = db.select({ phone: s.patients.phone }).from(s.patients).where(eq(s.patients.familyName, 'Alvarez')).get()!;
  expect(received.find((r) => r.payload.to === patient.phone)?.payload.text).toContain('Please call the clinic today: +1 555 010 0247.');
});

it('a request signed with another secret is refused by the receiver, and the message is recorded as failed, not retried', async () => {
  received.length = 0;
  const { db } = await demoWithSmsConsent();
  const environment = notificationEnvironment(parseEnv({ SMS_WEBHOOK_URL: url, SMS_WEBHOOK_SECRET: 'x'.repeat(32) }));
  await runNotifications(db, { email: null, sms: smsWebhookTransport(url, 'x'.repeat(32)), close: () => {} }, environment, () => EVENING);
  expect(received).toHaveLength(0);
  const rows = db.select().from(s.notifications).where(eq(s.notifications.channel, 'sms')).all();
  expect(refused).toBe(rows.length);
  // SMS only: nothing was queued for e-mail (the staff alerts need an on-call phone, not configured here).
  expect(db.select().from(s.notifications).all().every((r) => r.channel === 'sms')).toBe(true);
  expect(rows.every((r) => r.status === 'failed' && r.attempts === 1 && r.lastError === 'SMS webhook answered HTTP 401')).toBe(true);
});
