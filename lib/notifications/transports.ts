/**
 * The two channels: e-mail over SMTP (nodemailer, SMTP_URL) and SMS through a provider-neutral signed webhook
 * (SMS_WEBHOOK_URL). Each send either resolves or throws a DeliveryError that says whether a retry can help.
 */
import nodemailer from 'nodemailer';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook, type SmsWebhookPayload } from './delivery';

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    /** A retry cannot help: the address was refused, the gateway rejected the request. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

export interface Transports {
  email: ((mail: OutgoingEmail) => Promise<void>) | null;
  sms: ((payload: SmsWebhookPayload) => Promise<void>) | null;
  close(): void;
}

const SEND_TIMEOUT_MS = 30_000;

export function emailTransport(smtpUrl: string, from: string): { send: (mail: OutgoingEmail) => Promise<void>; close: () => void } {
  // Every wait well inside the outbox lease (LEASE_MS, 2 min), so a slow server cannot make a second worker
  // think this send was interrupted (nodemailer's own socket timeout is 10 minutes).
  const transporter = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 45_000 }, { from });
  return {
    async send(mail) {
      try {
        const info = await transporter.sendMail({ to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
        if (info.rejected.length > 0) throw new DeliveryError(`The mail server refused the address (${info.response})`, true);
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        const e = error as { responseCode?: number; code?: string; message?: string };
        // SMTP 5xx is a permanent refusal (RFC 5321 4.2.1); 4xx and connection errors are worth retrying.
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
        throw new DeliveryError(`${e.responseCode ? `SMTP ${e.responseCode}: ` : e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`, permanent);
      }
    },
    close: () => transporter.close(),
  };
}

export function smsWebhookTransport(url: string, secret: string, now: () => number = Date.now): (payload: SmsWebhookPayload) => Promise<void> {
  return async (payload) => {
    const body = JSON.stringify(payload);
    const timestamp = String(now());
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': payload.id,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
    } catch (error) {
      throw new DeliveryError(`SMS webhook unreachable: ${(error as Error).message}`, false);
    }
    if (response.ok) return;
    // 4xx (bad number, refused signature) will not change on a retry, except 408 and 429.
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    throw new DeliveryError(`SMS webhook answered HTTP ${response.status}`, permanent);
  };
}

export function createTransports(config: { SMTP_URL?: string | undefined; SMTP_FROM: string; SMS_WEBHOOK_URL?: string | undefined; SMS_WEBHOOK_SECRET?: string | undefined }): Transports {
  const email = config.SMTP_URL ? emailTransport(config.SMTP_URL, config.SMTP_FROM) : null;
  const sms = config.SMS_WEBHOOK_URL && config.SMS_WEBHOOK_SECRET ? smsWebhookTransport(config.SMS_WEBHOOK_URL, config.SMS_WEBHOOK_SECRET) : null;
  return { email: email?.send ?? null, sms, close: () => email?.close() };
}
