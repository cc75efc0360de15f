import { z } from 'zod';

/** `2026-02-30` is not a day: the text parsed back must be the text given. */
export function isCalendarDate(d: string): boolean {
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().startsWith(d);
}

export const localDate = z
  .string({ message: 'must be a date, YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a real calendar date');

/** A date whose messages name the field ("Date of birth must be a date, YYYY-MM-DD"). */
export const namedLocalDate = (label: string) =>
  z
    .string({ message: `${label} must be a date, YYYY-MM-DD` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must be a date, YYYY-MM-DD`)
    .refine(isCalendarDate, `${label} is not a real calendar date`);

export const localTime = z
  .string({ message: 'must be a time of day, HH:MM' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:MM (00:00 to 23:59)');

/** An ISO 8601 instant with an explicit offset or Z, e.g. 2026-03-10T09:00:00-06:00; parsed to epoch ms. */
export const isoInstant = z
  .string({ message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-10T09:00:00-06:00' })
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-10T09:00:00-06:00' })
  .transform((v) => Date.parse(v));

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

export const timeZone = z
  .string({ message: 'must be an IANA time zone, e.g. America/Chicago' })
  .max(64)
  .refine(isValidTimeZone, 'must be an IANA time zone, e.g. America/Chicago');

export const weekdays = z
  .array(z.number().int().min(1, 'weekdays are 1 (Monday) to 7 (Sunday)').max(7, 'weekdays are 1 (Monday) to 7 (Sunday)'), {
    message: 'must be a list of ISO weekdays, 1 (Monday) to 7 (Sunday)',
  })
  .min(1, 'needs at least one clinic day')
  .max(7)
  .refine((days) => new Set(days).size === days.length, 'must not repeat a weekday');

export const positive = (label: string, max: number, unit: string) =>
  z
    .number({ message: `${label} must be a number (${unit})` })
    .finite()
    .gt(0, `${label} must be more than 0 ${unit}`)
    .max(max, `${label} must be at most ${max} ${unit}`);
