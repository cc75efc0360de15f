/**
 * `npm run notifications -- --dry-run [--at 2026-12-16T18:00]`: what is due now (or at a clinic-local time),
 * without writing or sending anything. `npm run notifications -- --send-due`: queue and send it now, as the
 * server's minute schedule does (safe while the server runs: rows are claimed in write transactions).
 */
import { localDateTimeToInstant } from '../lib/domain/calendar';
import { ConfigError, parseEnv } from '../lib/env';
import { createTransports } from '../lib/notifications/transports';
import { authSecret } from '../lib/auth/secret';
import { closeDatabase, openDatabase } from './client';
import { notificationEnvironment, runNotifications } from './notifications-worker';
import { countByStatus, deriveDue, newDrafts, pendingNotifications } from './queries/notifications';
import * as s from './schema';

const usage = 'Usage: npm run notifications -- --dry-run [--at YYYY-MM-DDTHH:MM]   |   npm run notifications -- --send-due';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const sendDue = args.includes('--send-due');
const atIndex = args.indexOf('--at');
const at = atIndex >= 0 ? args[atIndex + 1] : undefined;
const unknown = args.filter((a, i) => !['--dry-run', '--send-due', '--at'].includes(a) && i !== atIndex + 1);
if (dryRun === sendDue || unknown.length || (atIndex >= 0 && !at)) fail(usage);
if (at && sendDue) fail('--at only goes with --dry-run: sending at another time than now would send reminders early.');

try {
  const config = parseEnv(process.env);
  // The server's secret (AUTH_SECRET or .auth-secret beside the database), so links sent from here are the server's.
  const environment = notificationEnvironment(config, authSecret());
  const db = openDatabase(config.DATABASE_PATH);
  try {
    if (dryRun) {
      const clinic = db.select({ timeZone: s.clinics.timeZone }).from(s.clinics).limit(1).get();
      if (at && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(at)) fail('--at must be a clinic-local time such as 2026-12-16T18:00');
      const now = at ? localDateTimeToInstant(at.slice(0, 10), at.slice(11, 16), clinic?.timeZone ?? 'UTC') : Date.now();
      if (!environment.channels.email && !environment.channels.sms)
        console.log('No channel is configured (SMTP_URL, SMS_WEBHOOK_URL): nothing would be sent. Showing what would be with e-mail configured.\n');
      const shown = { ...environment, channels: environment.channels.email || environment.channels.sms ? environment.channels : { email: true, sms: false } };
      const drafts = newDrafts(db, deriveDue(db, now, shown));
      const pending = pendingNotifications(db, now);
      console.log(`Due at ${new Date(now).toISOString()}: ${drafts.length} new, ${pending.length} waiting in the outbox.`);
      for (const d of drafts) console.log(`\n[new] ${d.kind} by ${d.channel} to ${d.to}\n  key: ${d.key}\n  subject: ${d.subject}\n  ${d.body.replace(/\n/g, '\n  ')}`);
      for (const p of pending) console.log(`\n[outbox #${p.id}, ${p.status}, ${p.attempts} attempts] ${p.kind} by ${p.channel} to ${p.to}: ${p.subject}`);
    } else {
      if (!environment.channels.email && !environment.channels.sms) fail('No channel is configured: set SMTP_URL (and SMTP_FROM) or SMS_WEBHOOK_URL (docs/notifications.md).');
      const transports = createTransports({ ...config, SMTP_FROM: config.SMTP_FROM ?? '' });
      try {
        const r = await runNotifications(db, transports, environment);
        console.log(`Queued ${r.queued}; sent ${r.sent}, ${r.retrying} to retry, ${r.failed} failed.`);
        console.log(`Outbox: ${Object.entries(countByStatus(db)).map(([k, v]) => `${v} ${k}`).join(', ')}.`);
      } finally {
        transports.close();
      }
    }
  } finally {
    closeDatabase(db);
  }
} catch (error) {
  fail(error instanceof ConfigError ? error.message : `Notifications failed: ${(error as Error).message}`);
}
