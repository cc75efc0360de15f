/**
 * The app's vocabularies, each defined once: the database's enum columns (db/schema.ts), the zod schemas
 * (lib/validation) and the domain's types all take their values from here. Pure data.
 */

export const staffRoles = ['admin', 'physician', 'nurse', 'front-desk'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const pumpKinds = ['programmable', 'constant-flow'] as const;
export type PumpKind = (typeof pumpKinds)[number];

/** What the manufacturer says about MRI for a pump model (reference.md, the emergency card). */
export const mriRules = ['interrogate-after', 'empty-before', 'no-effect-reported', 'unknown'] as const;
export type MriRule = (typeof mriRules)[number];

/** How dangerous an interruption of the drug is: baclofen severe, opioids moderate, ziconotide low (reference.md D). */
export const withdrawalRisks = ['severe', 'moderate', 'low'] as const;
export type WithdrawalRisk = (typeof withdrawalRisks)[number];

export const doseUnits = ['mcg', 'mg'] as const;
export type DoseUnit = (typeof doseUnits)[number];

export const spasticityOrigins = ['spinal', 'cerebral', 'other'] as const;
export type SpasticityOrigin = (typeof spasticityOrigins)[number];
export const spasticityOriginLabels: Record<SpasticityOrigin, string> = { spinal: 'Spinal', cerebral: 'Cerebral', other: 'Other' };

/** The order of a patient's own name when written in full: "Anna Schmidt" (given first) or "王 秀英" (family first). */
export const nameOrders = ['given-first', 'family-first'] as const;
export type NameOrder = (typeof nameOrders)[number];

export const pumpStatuses = ['active', 'explanted'] as const;
export type PumpStatus = (typeof pumpStatuses)[number];

/** A program's delivery: one daily dose, flex steps through the day, or a constant-flow pump's fixed rate. */
export const programModes = ['simple', 'flex', 'constant-flow'] as const;
export type ProgramMode = (typeof programModes)[number];

export const orderStatuses = ['pending', 'applied', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];
export const orderTimings = ['now', 'next-refill'] as const;
export type OrderTiming = (typeof orderTimings)[number];

export const visitKinds = ['initial-fill', 'refill'] as const;
export type VisitKind = (typeof visitKinds)[number];

/** The direction of a residual discrepancy (reference.md B4). */
export const discrepancyFlags = ['none', 'over-delivery', 'under-infusion'] as const;
export type DiscrepancyFlag = (typeof discrepancyFlags)[number];

export const appointmentTypes = ['refill', 'replacement', 'titration'] as const;
export type AppointmentType = (typeof appointmentTypes)[number];
export const appointmentStatuses = ['booked', 'done', 'cancelled', 'no-show'] as const;
export type AppointmentStatus = (typeof appointmentStatuses)[number];

export const alertActions = ['acknowledge', 'snooze'] as const;
export type AlertAction = (typeof alertActions)[number];

/** The outcome of one attempt to reach a patient (issue 16 item 4: the outreach list's contact log). */
export const contactOutcomes = ['reached', 'voicemail', 'no-answer', 'wrong-number', 'message-sent'] as const;
export type ContactOutcome = (typeof contactOutcomes)[number];
export const contactOutcomeLabels: Record<ContactOutcome, string> = {
  reached: 'Called – reached',
  voicemail: 'Called – voicemail',
  'no-answer': 'Called – no answer',
  'wrong-number': 'Called – wrong number',
  'message-sent': 'Message sent',
};

/** A patient's answer through the appointment reminder's attendance link (issue 16 item 5). */
export const attendanceResponses = ['confirmed', 'another-time'] as const;
export type AttendanceResponse = (typeof attendanceResponses)[number];

/**
 * What a staff member's own clinic calendar feed shows (/me/feed; decision 026): the patients whose managing
 * physician they are, or the whole clinic.
 */
export const staffFeedScopes = ['mine', 'clinic'] as const;
export type StaffFeedScope = (typeof staffFeedScopes)[number];
