/**
 * Delivery rules shared by the worker and the CLI: retries with backoff, the stable Message-ID, and the signed
 * SMS webhook payload. No database: the worker (db/notifications-worker.ts) applies them to outbox rows.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Attempts before a message is given up as undeliverable (the first try and four retries). */
export const MAX_ATTEMPTS = 5;
/** Wait after the 1st, 2nd, 3rd and 4th failure: transient SMTP and gateway outages usually clear in minutes. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const;
/** A claimed row not marked sent by then was interrupted (crash, kill -9) and is sent again. */
export const LEASE_MS = 2 * 60_000;

export type AttemptOutcome = { retryAt: number } | { giveUp: string };

/**
 * After a failed attempt: when to try again, or why to give up. A permanent failure (an SMTP 5xx such as
 * "mailbox unknown", a webhook 4xx) is not retried; nor is a message whose window has closed.
 */
export function afterFailure(attempts: number, now: number, expiresAt: number, permanent: boolean, error: string): AttemptOutcome {
  if (permanent) return { giveUp: error };
  if (attempts >= MAX_ATTEMPTS) return { giveUp: `${error} (gave up after ${attempts} attempts)` };
  const retryAt = now + RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1]!;
  if (retryAt >= expiresAt) return { giveUp: `${error} (no time left to retry before the message expired)` };
  return { retryAt };
}

/**
 * The Message-ID of a notification, derived from its unique key only, so every attempt of one notification
 * (after a crash included) carries the same ID and a mail client shows one message.
 */
export function messageIdFor(key: string, domain: string): string {
  return `<n-${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

/** The payload POSTed to SMS_WEBHOOK_URL (docs/notifications.md). */
export interface SmsWebhookPayload {
  /** Stable per notification: a gateway that saw it already should answer 2xx and not send it again. */
  id: string;
  kind: string;
  /** The recipient's phone number as recorded (E.164 recommended). */
  to: string;
  text: string;
  /** Epoch milliseconds when the notification was written to the outbox. */
  createdAt: number;
}

export const SIGNATURE_HEADER = 'x-pump-signature';
export const TIMESTAMP_HEADER = 'x-pump-timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp is signed too, so a replay can be refused. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and our tests): constant-time check of the signature and the timestamp's age. */
export function verifyWebhook(
  secret: string,
  timestamp: string | null,
  body: string,
  signature: string | null,
  now: number,
  toleranceMs = 5 * 60_000,
): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > toleranceMs) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
