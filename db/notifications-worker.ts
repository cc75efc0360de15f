/**
 * The notification worker: derives what is due into the outbox, then claims and sends it, with retries and
 * backoff. Runs in the server process every minute (croner, protect: a slow run is never overlapped) and from
 * `npm run notifications -- --send-due`. Delivery is at-least-once: a row is claimed (committed) before it is
 * sent and marked sent after, so a crash in between resends it after its lease with the same Message-ID.
 */
import { Cron } from 'croner';
import type { Env } from '@/lib/env';
import { attendanceToken, attendanceUrl, withAttendanceLink } from '@/lib/notifications/attendance';
import { afterFailure } from '@/lib/notifications/delivery';
import { DeliveryError, createTransports, type Transports } from '@/lib/notifications/transports';
import type { Db } from './client';
import { claimDue, enqueueDue, markFailed, markRetry, markSent, type ClaimedNotification, type NotificationEnvironment } from './queries/notifications';

/**
 * `attendanceSecret` (the server's AUTH_SECRET, lib/auth/secret.ts) signs the appointment e-mails' attendance links;
 * without it they carry none.
 */
export function notificationEnvironment(
  config: Pick<Env, 'PUBLIC_URL' | 'PORT' | 'SMTP_URL' | 'SMTP_FROM' | 'SMS_WEBHOOK_URL' | 'SMS_WEBHOOK_SECRET'>,
  attendanceSecret?: string,
): NotificationEnvironment {
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(config.SMTP_FROM ?? '')?.[1];
  return {
    channels: { email: !!config.SMTP_URL, sms: !!(config.SMS_WEBHOOK_URL && config.SMS_WEBHOOK_SECRET) },
    publicUrl,
    messageDomain: fromDomain ?? new URL(publicUrl).hostname,
    ...(attendanceSecret ? { attendanceSecret } : {}),
  };
}

export interface RunResult {
  queued: number;
  sent: number;
  retrying: number;
  failed: number;
}

/** The body as sent: an appointment e-mail's attendance link written in (the outbox holds only a placeholder). */
export function bodyToSend(row: Pick<ClaimedNotification, 'body' | 'appointmentId' | 'appointmentStartsAt'>, environment: NotificationEnvironment): string {
  const { attendanceSecret } = environment;
  const url =
    attendanceSecret && row.appointmentId != null && row.appointmentStartsAt != null
      ? attendanceUrl(environment.publicUrl, attendanceToken(attendanceSecret, row.appointmentId, row.appointmentStartsAt))
      : null;
  return withAttendanceLink(row.body, url);
}

async function deliver(transports: Transports, row: ClaimedNotification, environment: NotificationEnvironment): Promise<void> {
  if (row.channel === 'email') {
    if (!transports.email) throw new DeliveryError('e-mail is not configured (SMTP_URL)', true);
    await transports.email({ to: row.toAddress, subject: row.subject, text: bodyToSend(row, environment), messageId: row.messageId });
  } else {
    if (!transports.sms) throw new DeliveryError('SMS is not configured (SMS_WEBHOOK_URL)', true);
    await transports.sms({ id: row.messageId, kind: row.kind, to: row.toAddress, text: row.body, createdAt: row.createdAt });
  }
}

/**
 * One run: queue what is due, send what is claimable, and repeat while a run queued something new (a failed
 * reminder queues its "call the patient" alert, which should not wait for the next minute).
 */
export async function runNotifications(
  db: Db,
  transports: Transports,
  environment: NotificationEnvironment,
  clock: () => number = Date.now,
): Promise<RunResult> {
  const result: RunResult = { queued: 0, sent: 0, retrying: 0, failed: 0 };
  for (let round = 0; round < 3; round++) {
    const queued = enqueueDue(db, clock(), environment).length;
    result.queued += queued;
    let claimedAny = false;
    // One row at a time: only the message actually on the wire is 'sending', so after a crash the outbox says
    // exactly which one may have reached its recipient (a clinic sends tens a day; throughput is not the issue).
    for (let batch = claimDue(db, clock(), 1); batch.length > 0; batch = claimDue(db, clock(), 1)) {
      claimedAny = true;
      for (const row of batch) {
        try {
          await deliver(transports, row, environment);
          markSent(db, row.id, clock());
          result.sent++;
        } catch (error) {
          const e = error instanceof DeliveryError ? error : new DeliveryError(String((error as Error)?.message ?? error), false);
          const outcome = afterFailure(row.attempts, clock(), row.expiresAt, e.permanent, e.message);
          if ('retryAt' in outcome) {
            markRetry(db, row.id, e.message, outcome.retryAt);
            result.retrying++;
          } else {
            markFailed(db, row.id, outcome.giveUp, clock());
            result.failed++;
          }
        }
      }
    }
    if (queued === 0 && !claimedAny) break;
  }
  return result;
}

/** Starts the minute schedule when a channel is configured; without one the app runs as before (returns null). */
export function startNotificationWorker(db: Db, config: Env, attendanceSecret?: string): Cron | null {
  const environment = notificationEnvironment(config, attendanceSecret);
  if (!environment.channels.email && !environment.channels.sms) {
    console.log('Notifications: no SMTP_URL or SMS_WEBHOOK_URL configured, so no reminders are sent (docs/notifications.md).');
    return null;
  }
  const transports = createTransports({ ...config, SMTP_FROM: config.SMTP_FROM ?? '' });
  console.log(`Notifications: sending by ${[environment.channels.email && 'e-mail', environment.channels.sms && 'SMS webhook'].filter(Boolean).join(' and ')} every minute.`);
  return new Cron('* * * * *', { protect: true, unref: true, catch: (error) => console.error('Notification run failed', error) }, async () => {
    const r = await runNotifications(db, transports, environment);
    if (r.sent || r.failed || r.retrying) console.log(`Notifications: ${r.sent} sent, ${r.retrying} to retry, ${r.failed} failed.`);
  });
}
