/**
 * A kill -9 of the sending process mid-send loses nothing and duplicates nothing beyond at-least-once: the
 * message on the wire when the process died is sent again after its lease, with the same Message-ID, and the
 * outbox row's state says so ('sending' after the kill, 'sent' after the rerun, attempts 2).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { notificationEnvironment, runNotifications } from '../../db/notifications-worker';
import * as s from '../../db/schema';
import { LEASE_MS } from '../../lib/notifications/delivery';
import { parseEnv } from '../../lib/env';
import { emailTransport } from '../../lib/notifications/transports';
import { EVENING, demoClinicWithConsent, startSmtpSink, type SmtpSink } from './fixtures';

const root = path.resolve(import.meta.dirname, '../..');
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

it('kill -9 while the SMTP server holds the third message: rerun sends it again with the same Message-ID, every other once', async () => {
  const sink: SmtpSink = await startSmtpSink();
  cleanups.push(() => sink.close());
  const { db } = await demoClinicWithConsent();
  const file = db.$client.name;

  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/notifications/send-child.ts', file, sink.url, String(EVENING)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let inFlight: string | null = null;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  // The third message has reached the server, which answers only once the process is dead: it dies mid-send.
  sink.onMessage = async (mail) => {
    if (sink.received.length === 3) {
      inFlight = mail.messageId;
      child.kill('SIGKILL');
      await exited;
      throw new Error('connection lost');
    }
  };
  const exit = await exited;
  expect({ ...exit, stderr }).toMatchObject({ signal: 'SIGKILL' });
  sink.onMessage = null;

  const afterKill = db.select().from(s.notifications).all();
  const sending = afterKill.filter((r) => r.status === 'sending');
  expect(sending.map((r) => r.messageId)).toEqual([inFlight]);
  expect(afterKill.filter((r) => r.status === 'sent')).toHaveLength(2);
  expect(afterKill.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);

  // Another run (the restarted server) before the lease ends leaves the interrupted row alone...
  const email = emailTransport(sink.url, 'reminders@clinic.test');
  const environment = notificationEnvironment(parseEnv({ SMTP_URL: sink.url, SMTP_FROM: 'reminders@clinic.test', PUBLIC_URL: 'https://pumps.example.org' }));
  const t = { email: email.send, sms: null, close: email.close };
  await runNotifications(db, t, environment, () => EVENING + 1000);
  expect(db.select().from(s.notifications).all().filter((r) => r.status === 'sending').map((r) => r.messageId)).toEqual([inFlight]);
  // ...and after it, sends it again.
  await runNotifications(db, t, environment, () => EVENING + LEASE_MS + 1000);
  email.close();

  const rows = db.select().from(s.notifications).all();
  expect(rows.length).toBe(afterKill.length);
  expect(rows.every((r) => r.status === 'sent')).toBe(true);
  expect(rows.find((r) => r.messageId === inFlight)!.attempts).toBe(2);
  // Nothing lost: every row reached the server. Nothing doubled: one distinct Message-ID per row; the one in
  // flight arrived twice under the same ID (the first copy refused with the dropped connection).
  const ids = sink.received.map((m) => m.messageId);
  expect([...new Set(ids)].sort()).toEqual(rows.map((r) => r.messageId).sort());
  expect(ids.length).toBe(rows.length + 1);
  expect(ids.filter((id) => id === inFlight)).toHaveLength(2);
});
