/**
 * Clinic settings (GET/PATCH /api/v1/settings): the schema, each field's allowed range, and the help text that
 * says where its default comes from (reference.md). The settings form renders the ranges and the help from here,
 * so what the form says is allowed is exactly what the server accepts.
 */
import { z } from 'zod';
import { staffRoles } from '@/lib/domain/vocabulary';
import { titrationOffsetsProblem } from '@/lib/domain/titration';
import { dateOrders } from '@/lib/domain/typed-dates';
import { localDate, localTime, timeZone, weekdays } from './common';

/** Allowed ranges; defaults are those of db/schema.ts and lib/domain/policy.ts. */
export const settingsLimits = {
  bufferDays: { min: 0, max: 60, unit: 'days', default: 7 },
  dueSoonDays: { min: 1, max: 120, unit: 'days', default: 14 },
  accuracyPct: { min: 0, max: 50, unit: '%', default: 15 },
  discrepancyFloorMl: { min: 0, max: 5, unit: 'mL', default: 0.5 },
  discrepancyLimitSmallMl: { min: 0.1, max: 10, unit: 'mL', default: 1 },
  discrepancyLimitLargeMl: { min: 0.1, max: 20, unit: 'mL', default: 2 },
  stabilityBufferDays: { min: 0, max: 10, unit: 'days', default: 0 },
  dailyCapacity: { min: 1, max: 500, unit: 'appointments', default: 12 },
  slotMinutes: { min: 5, max: 240, unit: 'minutes', default: 30 },
  idleTimeoutMinutes: { min: 2, max: 120, unit: 'minutes', default: 15 },
} as const;

type LimitKey = keyof typeof settingsLimits;

/**
 * Help text per field, in the words staff use: what it does, the allowed range and the default. The clinical
 * sources of each default are in settingsSources, shown under "Sources" beside the help, not in it (issue 18).
 */
export const settingsHelp = {
  name: 'Shown in the top bar, on calendar feeds and on emergency cards.',
  timeZone: 'IANA zone name, e.g. America/Chicago. Due dates, opening hours and calendar feeds use it.',
  phone24h: 'Printed on emergency cards and calendar feeds: patients call it when the pump alarm sounds.',
  phoneOffice: 'Optional: for routine questions and rescheduling.',
  address: 'Shown on calendar feed appointments.',
  bufferDays:
    'Days before the low-reservoir alarm date that a refill is due. 0–60 days. Default 7: clinics refill about a week before the alarm, earlier if transport or weather may be a problem.',
  dueSoonDays:
    'A pump whose refill is due within this many days is “due soon” on the worklist. 1–120 days. Default 14: a due date within two weeks needs a booked visit now.',
  clinicWeekdays:
    'Days the clinic refills pumps. A due date on another day, or on a holiday, moves EARLIER to the previous clinic day, never later. Default Monday to Friday.',
  holidays:
    'Dates the clinic is closed. Due dates on them move earlier; no appointments can be booked on them.',
  accuracyPct:
    'Device accuracy used in the residual-discrepancy check: tolerance = the larger of the floor and (the smaller of the absolute limit and accuracy × volume delivered). 0–50 %. Default 15 %, used until a model’s own specification is entered.',
  discrepancyFloorMl:
    'Measurement floor of the residual-discrepancy check: a discrepancy this small never flags, whatever the volume delivered, because syringe readings are only so precise. 0–5 mL, at most 3 decimals. Default 0.5 mL.',
  discrepancyLimitSmallMl:
    'Absolute discrepancy limit for reservoirs up to 20 mL: a larger discrepancy always flags. 0.1–10 mL. Default 1 mL.',
  discrepancyLimitLargeMl:
    'Absolute discrepancy limit for reservoirs over 20 mL: a larger discrepancy always flags. 0.1–20 mL. Default 2 mL.',
  stabilityBufferDays:
    'Days before the drug’s stability limit that the refill is due. 0–10 days. Default 0: due on or before the stability limit itself.',
  dailyCapacity: 'Appointments the clinic can take per day; booking beyond it is refused. 1–500.',
  dayStartsAt: 'First appointment may start at this time (clinic time).',
  dayEndsAt: 'Last appointment must end by this time (clinic time). A refill visit takes 10 to 30 minutes.',
  slotMinutes: 'Length of an offered slot and the default appointment length. 5–240 minutes. Default 30.',
  titrationDayOffsets:
    'When a patient is added, the nurse is offered these titration visits, in days after the implant (e.g. 2, 7, 14: day 2, week 1, week 2), each on the first clinic day with a free slot from that day on. Empty: none offered. Default 2, 7, 14.',
  idleTimeoutMinutes:
    'Staff are signed out after this many minutes without input. 2–120 minutes. Default 15.',
  dateOrder:
    'How a date typed in numbers is read in every form. 2/12/2026 is 2 December under day first and 12 February under month first. Dates typed with the month as a word (2 Dec 2026) or year first (2026-12-02) are read the same either way, and every form shows the date it read in words before saving. Pages always print the month as a word. Default month first.',
  mfaRequiredRoles:
    'Roles that must sign in with a code from an authenticator app as well as the password; someone of such a role sets it up at their next sign-in, before anything else. Default: admins and physicians (the demo clinic: none).',
} as const;

/**
 * Where each default comes from (../shared/domain/reference.md and its sources S1…), for the reader who wants to
 * check it: shown collapsed under "Sources" beside the field's help, and in docs/decisions/028.
 */
export const settingsSources: Partial<Record<keyof typeof settingsHelp, string>> = {
  phone24h: 'reference.md F (emergency card contents).',
  bufferDays:
    'Gillette Children’s: “seven to ten days before” the alarm date (S10); Medtronic: “a week earlier” if transport or weather may be a problem (S11). Gillette’s other page says 3–5 days (S9).',
  dueSoonDays: 'Inference: cf. the “within two weeks” rule of an analogous implantable pump (S51).',
  clinicWeekdays: 'reference.md E17 (due dates move earlier off closed days); Monday to Friday is an inference.',
  accuracyPct:
    'reference.md B4 (tolerance formula); 85–115 % delivery accuracy required in the Prometra clinical study (S27).',
  discrepancyFloorMl: 'reference.md B4; the 0.5 mL default is an inference.',
  discrepancyLimitSmallMl: 'A discrepancy above 1 mL in 20 mL pumps is potentially consequential (Maino 2017, S34).',
  discrepancyLimitLargeMl:
    '“Discrepancies … greater than 2 mL should be evaluated” (ASRA 2017, S33); > 2 mL in 40 mL pumps (Maino 2017, S34).',
  stabilityBufferDays: 'reference.md B3; reference.md B7-2 illustrates a 7-day buffer (day 180 − 7 = day 173).',
  dayEndsAt: 'A refill visit takes 10–15 min (S9) to 20–30 min (S10).',
  slotMinutes: '20–30 min per visit (S10).',
};

const whole = (label: string, key: LimitKey) => {
  const { min, max, unit } = settingsLimits[key];
  const msg = `${label} must be a whole number from ${min} to ${max} ${unit}`;
  return z.number({ message: msg }).int(msg).min(min, msg).max(max, msg);
};

/** A volume in mL with at most 3 decimals (stored exactly as µL). */
const millilitres = (label: string, key: LimitKey) => {
  const { min, max } = settingsLimits[key];
  const msg = `${label} must be a number from ${min} to ${max} mL`;
  return z
    .number({ message: msg })
    .finite(msg)
    .min(min, msg)
    .max(max, msg)
    .refine((v) => Number.isInteger(Math.round(v * 1e6) / 1e3), `${label} may have at most 3 decimals (1 µL)`);
};

const phone = (label: string) =>
  z
    .string({ message: `${label} must be text` })
    .trim()
    .max(40, `${label} must be at most 40 characters`)
    .regex(/^[0-9+()\-.\s/]*(ext\.?\s*\d+)?$/i, `${label} may contain digits, spaces and + ( ) - . / only`);

export const settingsObject = z.object({
  name: z
    .string({ message: 'Clinic name is required' })
    .trim()
    .min(1, 'Clinic name is required')
    .max(120, 'Clinic name must be at most 120 characters'),
  timeZone,
  phone24h: phone('The 24/7 phone').refine(
    (v) => v.replace(/\D/g, '').length >= 3,
    'The 24/7 phone is required: patients call it when the alarm sounds',
  ),
  phoneOffice: phone('The office phone'),
  address: z
    .string({ message: 'Address must be text' })
    .trim()
    .max(300, 'Address must be at most 300 characters'),
  bufferDays: whole('Buffer', 'bufferDays'),
  dueSoonDays: whole('Due-soon window', 'dueSoonDays'),
  clinicWeekdays: weekdays,
  holidays: z
    .array(localDate, { message: 'Holidays must be a list of dates, YYYY-MM-DD' })
    .max(1000, 'At most 1000 holidays')
    .refine((h) => new Set(h).size === h.length, 'A holiday is listed twice'),
  accuracyPct: whole('Accuracy', 'accuracyPct'),
  discrepancyFloorMl: millilitres('Measurement floor', 'discrepancyFloorMl'),
  discrepancyLimitSmallMl: millilitres('Limit for reservoirs up to 20 mL', 'discrepancyLimitSmallMl'),
  discrepancyLimitLargeMl: millilitres('Limit for larger reservoirs', 'discrepancyLimitLargeMl'),
  stabilityBufferDays: whole('Stability buffer', 'stabilityBufferDays'),
  dailyCapacity: whole('Daily capacity', 'dailyCapacity'),
  dayStartsAt: localTime,
  dayEndsAt: localTime,
  slotMinutes: whole('Slot length', 'slotMinutes'),
  idleTimeoutMinutes: whole('Idle sign-out', 'idleTimeoutMinutes'),
  titrationDayOffsets: z
    .array(z.number({ message: 'Titration visits must be whole numbers of days' }), {
      message: 'Titration visits must be a list of days after the implant, e.g. 2, 7, 14',
    })
    .superRefine((offsets, ctx) => {
      const problem = titrationOffsetsProblem(offsets);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((offsets) => [...offsets].sort((a, b) => a - b)),
  dateOrder: z.enum(dateOrders, { message: 'Date order must be d/m/y (day first) or m/d/y (month first)' }),
  mfaRequiredRoles: z
    .array(z.enum(staffRoles, { message: 'Two-step sign-in roles must be admin, physician, nurse or front-desk' }), {
      message: 'Two-step sign-in roles must be a list of roles',
    })
    .max(staffRoles.length)
    .refine((r) => new Set(r).size === r.length, 'A role is listed twice')
    .transform((r) => staffRoles.filter((role) => r.includes(role))),
});

export type ClinicSettingsValues = z.infer<typeof settingsObject>;

/** Checks that involve two fields; run on the whole record (after a PATCH is merged with what is stored). */
export function settingsCrossCheck(v: ClinicSettingsValues, ctx: z.RefinementCtx): void {
  // The floor only keeps syringe noise out; above a limit it would silence the limit (reference.md B4).
  if (v.discrepancyFloorMl > Math.min(v.discrepancyLimitSmallMl, v.discrepancyLimitLargeMl))
    ctx.addIssue({
      code: 'custom',
      path: ['discrepancyFloorMl'],
      message: `Measurement floor must not be above the absolute limits (${Math.min(v.discrepancyLimitSmallMl, v.discrepancyLimitLargeMl)} mL)`,
    });
  if (v.discrepancyLimitSmallMl > v.discrepancyLimitLargeMl)
    ctx.addIssue({
      code: 'custom',
      path: ['discrepancyLimitSmallMl'],
      message: `Limit for reservoirs up to 20 mL must not be above the limit for larger reservoirs (${v.discrepancyLimitLargeMl} mL)`,
    });
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  if (minutes(v.dayEndsAt) <= minutes(v.dayStartsAt)) {
    ctx.addIssue({
      code: 'custom',
      path: ['dayEndsAt'],
      message: `Closing time must be after the opening time (${v.dayStartsAt})`,
    });
  } else if (minutes(v.dayEndsAt) - minutes(v.dayStartsAt) < v.slotMinutes) {
    ctx.addIssue({
      code: 'custom',
      path: ['slotMinutes'],
      message: `Slot length must fit in the opening hours (${v.dayStartsAt}–${v.dayEndsAt})`,
    });
  }
}

export const settingsSchema = settingsObject.superRefine(settingsCrossCheck);

/** PATCH body: any subset of the fields, plus the version that was read. */
export const settingsPatchSchema = settingsObject.partial().extend({
  version: z
    .number({ message: 'Version must be the whole number you read with the settings' })
    .int('Version must be the whole number you read with the settings')
    .min(1, 'Version must be 1 or more'),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Fields that change a forecast: saving any of them refreshes every pump's stored forecast. */
export const policyFields = [
  'timeZone',
  'bufferDays',
  'dueSoonDays',
  'clinicWeekdays',
  'holidays',
  'accuracyPct',
  'discrepancyFloorMl',
  'discrepancyLimitSmallMl',
  'discrepancyLimitLargeMl',
  'stabilityBufferDays',
] as const;
