/**
 * Appointments: booking (POST /api/v1/appointments), changes (PATCH /api/v1/appointments/{id}), the calendar's
 * range query and the open-slot query. Shared by the booking form and the route handlers. Times are clinic-local
 * (`date` YYYY-MM-DD + `time` HH:MM): staff choose a day and a time on the clinic's clock, and the server turns
 * them into an instant in the clinic's time zone.
 */
import { z } from 'zod';
import { MIN_CONFIRMATION_REASON } from '@/lib/domain/booking';
import { localDate, localTime } from './common';

import { appointmentStatuses, appointmentTypes } from '@/lib/domain/vocabulary';

export { appointmentStatuses, appointmentTypes, type AppointmentStatus, type AppointmentType } from '@/lib/domain/vocabulary';

export const MIN_DURATION_MINUTES = 5;
export const MAX_DURATION_MINUTES = 480;
/** The calendar and the list API never read more than this many days at once. */
export const MAX_RANGE_DAYS = 62;

export const appointmentTypeLabels = {
  refill: 'Refill',
  replacement: 'Pump replacement',
  titration: 'Titration',
} as const;
export const appointmentStatusLabels = {
  booked: 'Booked',
  done: 'Done',
  cancelled: 'Cancelled',
  'no-show': 'No-show',
} as const;

const durationMinutes = z
  .number({
    message: `Duration must be a whole number of minutes (${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES})`,
  })
  .int(`Duration must be a whole number of minutes (${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES})`)
  .min(
    MIN_DURATION_MINUTES,
    `Duration must be between ${MIN_DURATION_MINUTES} and ${MAX_DURATION_MINUTES} minutes`,
  )
  .max(
    MAX_DURATION_MINUTES,
    `Duration must be between ${MIN_DURATION_MINUTES} and ${MAX_DURATION_MINUTES} minutes`,
  );

const version = z
  .number({ message: 'Version must be the whole number you read with the appointment' })
  .int('Version must be the whole number you read with the appointment')
  .min(1, 'Version must be 1 or more');

/**
 * The booker's confirmations (lib/domain/booking.ts decides when each is needed): `lateReason` for a date after the
 * refill due date, plus `confirmAfterAlarm: true` after the low-reservoir alarm; `overbookReason` for a full day.
 */
const reason = (what: string) =>
  z
    .string({ message: `${what} must be text` })
    .trim()
    .min(MIN_CONFIRMATION_REASON, `${what} must be at least ${MIN_CONFIRMATION_REASON} characters`)
    .max(500, `${what} must be at most 500 characters`)
    .optional();
const confirmations = {
  lateReason: reason('The reason for booking late'),
  confirmAfterAlarm: z.boolean({ message: 'confirmAfterAlarm must be true or false' }).optional(),
  overbookReason: reason('The reason for overbooking'),
};

export const appointmentTypeSchema = z.enum(appointmentTypes, {
  message: 'Type must be refill, replacement or titration',
});

export const bookAppointmentSchema = z.object({
  pumpId: z
    .number({ message: 'Choose the patient’s pump' })
    .int('Choose the patient’s pump')
    .positive('Choose the patient’s pump'),
  date: localDate,
  time: localTime,
  /** Defaults to the clinic's slot length. */
  durationMinutes: durationMinutes.optional(),
  type: appointmentTypeSchema.default('refill'),
  notes: z
    .string({ message: 'Notes must be text' })
    .trim()
    .max(500, 'Notes must be at most 500 characters')
    .default(''),
  ...confirmations,
});
export type BookAppointmentInput = z.infer<typeof bookAppointmentSchema>;

export const appointmentPatchSchema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('move'),
      version,
      date: localDate,
      time: localTime,
      durationMinutes: durationMinutes.optional(),
      ...confirmations,
    }),
    z.object({
      action: z.literal('cancel'),
      version,
      reason: z.string().trim().max(500, 'Reason must be at most 500 characters').optional(),
    }),
    z.object({ action: z.literal('done'), version }),
    z.object({ action: z.literal('no-show'), version }),
    /** Takes back a no-show within a minute of recording it (lib/domain/booking.ts NO_SHOW_UNDO_MS). */
    z.object({ action: z.literal('undo-no-show'), version }),
  ],
  { message: 'Action must be move, cancel, done, no-show or undo-no-show' },
);
export type AppointmentPatch = z.infer<typeof appointmentPatchSchema>;

/** GET /api/v1/appointments?from=&to= (clinic-local dates, inclusive). */
export const appointmentRangeSchema = z
  .object({
    from: localDate,
    to: localDate,
    status: z
      .enum(appointmentStatuses, { message: 'Status must be booked, done, cancelled or no-show' })
      .optional(),
    pumpId: z.coerce.number().int('must be a pump id').positive('must be a pump id').optional(),
  })
  .superRefine((q, ctx) => {
    if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
    else if ((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 >= MAX_RANGE_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `The range may cover at most ${MAX_RANGE_DAYS} days`,
      });
  });
export type AppointmentRange = z.infer<typeof appointmentRangeSchema>;

/** GET /api/v1/slots?pumpId=&count=&durationMinutes= */
export const slotQuerySchema = z.object({
  pumpId: z.coerce
    .number({ message: 'Choose the patient’s pump' })
    .int('must be a pump id')
    .positive('must be a pump id'),
  count: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 to 30')
    .max(30, 'must be 1 to 30')
    .default(8),
  durationMinutes: z.coerce.number().pipe(durationMinutes).optional(),
});
export type SlotQuery = z.infer<typeof slotQuerySchema>;

/** The calendar page's URL: ?view=day|week&date=YYYY-MM-DD. Anything invalid falls back to today's day view. */
export const calendarParamsSchema = z.object({
  view: z.enum(['day', 'week']).catch('day'),
  date: localDate.optional().catch(undefined),
});

/** A query string or page searchParams as a plain object (first value wins, empty values dropped). */
export function plainParams(
  params: Record<string, string | string[] | undefined> | URLSearchParams,
): Record<string, string> {
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  const plain: Record<string, string> = {};
  for (const [k, v] of entries) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && value !== '' && !(k in plain)) plain[k] = value;
  }
  return plain;
}

/**
 * POST /api/v1/pumps/{id}/titration-series: the titration visits after an implant, booked all or none (issue 18,
 * item 5). Each is a clinic-local date and time, as the offer proposed them or as the nurse left them ticked.
 */
export const titrationSeriesSchema = z.object({
  visits: z
    .array(
      z.object({
        date: localDate,
        time: localTime,
        /** "day 2", "week 1": kept in the appointment's notes. */
        label: z.string().trim().max(40, 'Label must be at most 40 characters').default(''),
      }),
      { message: 'Visits must be a list of {date, time}' },
    )
    .min(1, 'Tick at least one titration visit to book')
    .max(8, 'At most 8 titration visits at once')
    .refine(
      (v) => new Set(v.map((x) => x.date)).size === v.length,
      'Two titration visits are on the same day: choose one per day',
    ),
});
export type TitrationSeriesInput = z.infer<typeof titrationSeriesSchema>;
