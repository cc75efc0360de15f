/** `npm run notifications -- --dry-run` prints what is due without writing; `--send-due` sends it. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import * as s from '../../db/schema';
import { demoClinicWithConsent, startSmtpSink, type SmtpSink } from './fixtures';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
let sink: SmtpSink;
let db: Db;

beforeAll(async () => {
  sink = await startSmtpSink();
  // Seeded "now" so that the demo's overdue patients are overdue when the CLI runs at the real time.
  ({ db } = await demoClinicWithConsent(Date.now()));
});
afterAll(() => sink.close());

const cli = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'db/notifications-cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_PATH: db.$client.name, SMTP_URL: sink.url, SMTP_FROM: 'reminders@clinic.test', ...env },
  });

it('--dry-run at a clinic-local time lists the due notifications with their text and writes nothing', async () => {
  const { stdout } = await cli(['--dry-run', '--at', '2027-01-05T18:30']);
  expect(stdout).toMatch(/^Due at 2027-01-06T00:30:00\.000Z: \d+ new, 0 waiting in the outbox\./m);
  expect(stdout).toContain('[new] staff-digest by email to nurse@demo.clinic');
  expect(db.select().from(s.notifications).all()).toEqual([]);
});

it('--send-due sends what is due now over SMTP and reports the outbox', async () => {
  const { stdout } = await cli(['--send-due']);
  const rows = db.select().from(s.notifications).all();
  expect(rows.length).toBeGreaterThan(0);
  // Whatever the hour of the run, the demo's empty pump has an unacknowledged critical alert for its physician.
  expect(rows.some((r) => r.kind === 'escalation-physician')).toBe(true);
  expect(rows.every((r) => r.status === 'sent')).toBe(true);
  expect(stdout).toContain(`sent ${rows.length}, 0 to retry, 0 failed`);
  expect(sink.received.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.messageId).sort());
});

it('refuses --at with --send-due, and unknown arguments, with the usage', async () => {
  await expect(cli(['--send-due', '--at', '2027-01-05T18:30'])).rejects.toMatchObject({ stderr: expect.stringContaining('--at only goes with --dry-run') });
  await expect(cli(['--everything'])).rejects.toMatchObject({ stderr: expect.stringContaining('Usage: npm run notifications') });
});
