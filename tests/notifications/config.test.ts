/** Configuration: SMTP_URL/SMTP_FROM and SMS_WEBHOOK_URL/SECRET checked at start-up; no channel, no worker. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { notificationEnvironment, startNotificationWorker } from '../../db/notifications-worker';
import { ConfigError, parseEnv } from '../../lib/env';
import { freshDb } from '../db';

afterEach(() => vi.restoreAllMocks());

describe('notification configuration', () => {
  it('names the variable of a bad or incomplete setting', () => {
    expect(() => parseEnv({ SMTP_URL: 'mail.example.org' })).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => parseEnv({ SMTP_URL: 'smtp://mail.example.org:587' })).toThrow(/SMTP_FROM: is required with SMTP_URL/);
    expect(() => parseEnv({ SMS_WEBHOOK_URL: 'https://gw.example.org/sms' })).toThrow(/SMS_WEBHOOK_SECRET: is required with SMS_WEBHOOK_URL/);
    expect(() => parseEnv({ SMS_WEBHOOK_URL: 'https://gw.example.org/sms', SMS_WEBHOOK_SECRET: 'short' })).toThrow(ConfigError);
  });

  it('derives the channels, the staff link base and the Message-ID domain', () => {
    expect(notificationEnvironment(parseEnv({}))).toEqual({ channels: { email: false, sms: false }, publicUrl: 'http://localhost:3000', messageDomain: 'localhost' });
    const env = notificationEnvironment(
      parseEnv({ SMTP_URL: 'smtps://u:p@mail.example.org:465', SMTP_FROM: 'Clinic reminders <reminders@clinic.example.org>', PUBLIC_URL: 'https://pumps.example.org' }),
    );
    expect(env).toEqual({ channels: { email: true, sms: false }, publicUrl: 'https://pumps.example.org', messageDomain: 'clinic.example.org' });
  });

  it('starts no worker without a channel (the app runs as before), and a minute schedule with one', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const db = freshDb();
    expect(startNotificationWorker(db, parseEnv({}))).toBeNull();
    const job = startNotificationWorker(db, parseEnv({ SMTP_URL: 'smtp://127.0.0.1:1', SMTP_FROM: 'r@clinic.test' }));
    expect(job).not.toBeNull();
    expect(job!.getPattern()).toBe('* * * * *');
    job!.stop();
  });
});
