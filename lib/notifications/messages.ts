/**
 * The words of every notification. Patient messages carry the least PHI that still works: a date, a time and the
 * clinic's phone number, never the drug, the dose, the device or the clinic's specialty (its name can say it), so
 * a message read by someone else on a shared phone or mailbox tells them no more than "a clinic appointment".
 * Staff messages name patients by initials with a link that needs a sign-in, never an MRN or a drug.
 */
import type { EpochMs, LocalDate } from '@/lib/domain/types';
import { ATTENDANCE_LINK_LINE } from './attendance';

export interface Message {
  subject: string;
  /** Plain text: the e-mail body and, for patients, the SMS text. */
  text: string;
  /** The e-mail body when it differs from the SMS: an appointment reminder's attendance link (placeholder). */
  emailText?: string;
}

const AUTOMATED = 'This is an automated message. Please do not reply to it.';

function parts(at: EpochMs, timeZone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
}

/** `Thu 17 Dec at 08:30` in the clinic's time zone. */
export function appointmentWhen(at: EpochMs, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.weekday} ${p.day} ${p.month} at ${p.hour}:${p.minute}`;
}

/** `Thu 17 Dec` for a clinic calendar date. */
export function dayText(date: LocalDate): string {
  const [y, m, d] = date.split('-').map(Number);
  const p = parts(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12), 'UTC');
  return `${p.weekday} ${p.day} ${p.month}`;
}

/** `Thu 17 Dec 2026 14:05` for staff messages. */
export function instantText(at: EpochMs, timeZone: string): string {
  const p = parts(at, timeZone);
  const year = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric' }).format(at);
  return `${p.weekday} ${p.day} ${p.month} ${year} ${p.hour}:${p.minute}`;
}

/** With `attendanceLink`, the e-mail carries the one-time confirm-or-another-time link (lib/notifications/attendance.ts). */
function appointmentMessage(subject: string, line: string, attendanceLink: boolean): Message {
  return {
    subject,
    text: `${line}\n\n${AUTOMATED}`,
    ...(attendanceLink ? { emailText: `${line}\n\n${ATTENDANCE_LINK_LINE}\n\n${AUTOMATED}` } : {}),
  };
}

export function appointmentEveningMessage(startsAt: EpochMs, timeZone: string, phone: string, attendanceLink = false): Message {
  return appointmentMessage('Appointment reminder: tomorrow', `Your clinic appointment is ${appointmentWhen(startsAt, timeZone)}. Call ${phone} to change it.`, attendanceLink);
}

export function appointmentMorningMessage(startsAt: EpochMs, timeZone: string, phone: string, attendanceLink = false): Message {
  return appointmentMessage(
    'Appointment reminder: today',
    `Your clinic appointment is today, ${appointmentWhen(startsAt, timeZone)}. Call ${phone} to change it.`,
    attendanceLink,
  );
}

export function refillDueUnbookedMessage(dueOn: LocalDate, phone: string): Message {
  return {
    subject: 'Please book your next clinic appointment',
    text: `Your next clinic appointment is due by ${dayText(dueOn)} and none is booked. Call ${phone} to book it.\n\n${AUTOMATED}`,
  };
}

export function refillOverdueMessage(phone: string): Message {
  return {
    subject: 'Please call the clinic today',
    text: `Your clinic appointment is overdue. Please call the clinic today: ${phone}.\n\n${AUTOMATED}`,
  };
}

/** Initials for staff messages: `J.C.` (no full name or MRN in a mailbox). */
export function initials(givenName: string, familyName: string): string {
  const first = (s: string) => (s.trim()[0] ?? '?').toUpperCase();
  return `${first(givenName)}.${first(familyName)}.`;
}

export interface DigestPatient {
  patientId: number;
  initials: string;
  /** A short fact without drug or dose: "refill due Tue 1 Dec", "no appointment booked". */
  detail: string;
}

export interface DigestSections {
  overdue: DigestPatient[];
  noAppointment: DigestPatient[];
  lateAppointment: DigestPatient[];
  discrepancies: DigestPatient[];
  undeliverable: DigestPatient[];
}

export const digestHeadings: Record<keyof DigestSections, string> = {
  overdue: 'Overdue pumps (refill due date, alarm or empty date passed)',
  noAppointment: 'Pumps due soon or overdue with no appointment booked',
  lateAppointment: 'Appointments after the refill due date or the alarm date',
  discrepancies: 'Residual discrepancies awaiting a physician review',
  undeliverable: 'Reminders that could not be delivered: call the patient',
};

export function patientLink(publicUrl: string, patientId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/patients/${patientId}`;
}

export function staffDigestMessage(today: LocalDate, sections: DigestSections, publicUrl: string): Message {
  const counts = (Object.keys(digestHeadings) as (keyof DigestSections)[]).map((k) => [k, sections[k].length] as const);
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  const lines = [`Clinic digest for ${dayText(today)}.`, ''];
  if (total === 0) lines.push('Nothing needs action this morning.', '');
  for (const [k, n] of counts) {
    if (n === 0) continue;
    lines.push(`${digestHeadings[k]}: ${n}`);
    for (const p of sections[k]) lines.push(`  - ${p.initials} ${p.detail}: ${patientLink(publicUrl, p.patientId)}`);
    lines.push('');
  }
  lines.push(`Worklist: ${publicUrl.replace(/\/+$/, '')}/`, '', AUTOMATED);
  const summary = [
    `${sections.overdue.length} overdue`,
    `${sections.noAppointment.length} without appointment`,
    `${sections.lateAppointment.length} late appointments`,
    `${sections.discrepancies.length} discrepancies`,
    `${sections.undeliverable.length} undelivered reminders`,
  ].join(', ');
  return { subject: `Clinic digest ${dayText(today)}: ${summary}`, text: lines.join('\n') };
}

export const reminderKindLabels = {
  'appointment-evening': 'evening-before appointment',
  'appointment-morning': 'morning-of appointment',
  'refill-due-unbooked': 'book-your-appointment',
  'refill-overdue': 'overdue (call the clinic today)',
} as const;

export function undeliverableMessage(input: {
  patientId: number;
  initials: string;
  kind: keyof typeof reminderKindLabels;
  channel: 'email' | 'sms';
  error: string;
  publicUrl: string;
}): Message {
  return {
    subject: `Reminder could not be delivered: call the patient (${input.initials})`,
    text: [
      `A ${reminderKindLabels[input.kind]} reminder to patient ${input.initials} could not be delivered by ${input.channel === 'sms' ? 'SMS' : 'e-mail'}.`,
      `Reason: ${input.error}`,
      '',
      `Call the patient, and check the contact details on the patient page: ${patientLink(input.publicUrl, input.patientId)}`,
      '',
      AUTOMATED,
    ].join('\n'),
  };
}

export const criticalAlertLabels = {
  empty: 'reservoir calculated empty',
  'past-alarm': 'low-reservoir alarm date reached',
  'critical-discrepancy': 'critical residual discrepancy awaiting review',
} as const;
export type CriticalAlertKind = keyof typeof criticalAlertLabels;

export function escalationMessage(input: {
  patientId: number;
  initials: string;
  alert: CriticalAlertKind;
  since: EpochMs;
  minutesOpen: number;
  timeZone: string;
  publicUrl: string;
  to: 'physician' | 'on-call';
}): Message {
  const who = input.to === 'physician' ? 'You are the managing physician.' : 'You are the clinic’s on-call contact: the managing physician has not acted on it.';
  return {
    subject: `Unacknowledged critical alert: patient ${input.initials}, ${criticalAlertLabels[input.alert]}`,
    text: [
      `Critical alert for patient ${input.initials}: ${criticalAlertLabels[input.alert]} since ${instantText(input.since, input.timeZone)}, not acknowledged for ${input.minutesOpen} minutes.`,
      who,
      '',
      `Open the patient page to act: ${patientLink(input.publicUrl, input.patientId)}`,
      '',
      AUTOMATED,
    ].join('\n'),
  };
}
