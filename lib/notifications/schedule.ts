/**
 * When, and to whom (issue 16 item 2): from the stored forecasts and appointments of one clinic at `now`, the
 * notifications that are due. Pure: the caller loads the state (db/queries/notifications.ts) and writes the
 * drafts to the outbox, where each `key` is unique, so deriving the same notification on every tick inserts it
 * once. A draft carries its own window: it is sent from `notBefore` and is no longer useful after `expiresAt`.
 */
import { addDaysToLocalDate, isClinicDay, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import type { EpochMs, ForecastStatus, LocalDate } from '@/lib/domain/types';
import {
  appointmentEveningMessage,
  appointmentMorningMessage,
  dayText,
  escalationMessage,
  refillDueUnbookedMessage,
  refillOverdueMessage,
  staffDigestMessage,
  undeliverableMessage,
  type CriticalAlertKind,
  type DigestSections,
  type Message,
  type reminderKindLabels,
} from './messages';

export type Channel = 'email' | 'sms';
export type DraftKind =
  | 'appointment-evening'
  | 'appointment-morning'
  | 'refill-due-unbooked'
  | 'refill-overdue'
  | 'staff-digest'
  | 'undeliverable'
  | 'escalation-physician'
  | 'escalation-on-call';

/** Patient messages are not sent at night: the due and overdue reminders wait for the morning, and stop at this hour. */
export const PATIENT_QUIET_FROM = '21:00';

export interface ClinicContext {
  clinicId: number;
  timeZone: string;
  /** The number patients call to change an appointment: the office line, else the 24-hour line. */
  phone: string;
  clinicWeekdays: number[];
  holidays: string[];
  eveningReminderAt: string;
  morningReminderAt: string;
  digestAt: string;
  escalateAfterMinutes: number;
  onCall: { email: string; phone: string };
  /** The app's address for staff links. */
  publicUrl: string;
}

export interface PatientState {
  patientId: number;
  initials: string;
  /** Present only with the patient's recorded consent for the channel. */
  email: string | null;
  smsPhone: string | null;
}

export interface PumpState {
  pumpId: number;
  patientId: number;
  status: ForecastStatus;
  refillDueOn: LocalDate;
  lowReservoirAlarmAt: EpochMs | null;
  emptyAt: EpochMs | null;
  nextAppointmentAt: EpochMs | null;
  appointmentLate: boolean;
}

export interface AppointmentState {
  appointmentId: number;
  pumpId: number;
  patientId: number;
  startsAt: EpochMs;
}

export interface DiscrepancyState {
  pumpId: number;
  patientId: number;
  performedAt: EpochMs;
  severity: string;
}

export interface CriticalAlertState {
  pumpId: number;
  patientId: number;
  kind: CriticalAlertKind;
  /** When the alert became critical. */
  since: EpochMs;
  /** A person acknowledged (or reviewed) it after `since`. */
  acknowledged: boolean;
  physicianEmail: string | null;
}

export interface FailedReminderState {
  notificationId: number;
  patientId: number;
  kind: keyof typeof reminderKindLabels;
  channel: Channel;
  error: string;
  failedAt: EpochMs;
}

export interface DutyStaff {
  userId: string;
  email: string;
}

export interface ScheduleInput {
  clinic: ClinicContext;
  channels: { email: boolean; sms: boolean };
  /** Appointment e-mails carry the one-time attendance link (the server has a secret to sign it with). */
  attendanceLinks?: boolean;
  patients: PatientState[];
  pumps: PumpState[];
  /** Booked appointments starting from now to two days ahead. */
  appointments: AppointmentState[];
  discrepancies: DiscrepancyState[];
  criticalAlerts: CriticalAlertState[];
  failedReminders: FailedReminderState[];
  dutyStaff: DutyStaff[];
}

export interface Draft {
  key: string;
  kind: DraftKind;
  channel: Channel;
  clinicId: number;
  patientId: number | null;
  pumpId: number | null;
  userId: string | null;
  appointmentId: number | null;
  appointmentStartsAt: EpochMs | null;
  refillDueOn: LocalDate | null;
  aboutNotificationId: number | null;
  to: string;
  subject: string;
  body: string;
  notBefore: EpochMs;
  expiresAt: EpochMs;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const overdueStatuses: readonly ForecastStatus[] = ['overdue', 'critical', 'empty'];

export function dueNotifications(input: ScheduleInput, now: EpochMs): Draft[] {
  const { clinic } = input;
  const tz = clinic.timeZone;
  const today = localDateOf(now, tz);
  const at = (date: LocalDate, time: string) => localDateTimeToInstant(date, time, tz);
  const drafts: Draft[] = [];
  const patients = new Map(input.patients.map((p) => [p.patientId, p]));
  const base = { clinicId: clinic.clinicId, patientId: null, pumpId: null, userId: null, appointmentId: null, appointmentStartsAt: null, refillDueOn: null, aboutNotificationId: null };

  const toPatient = (
    patient: PatientState,
    kind: DraftKind,
    date: string,
    message: Message,
    window: { notBefore: EpochMs; expiresAt: EpochMs },
    refs: Partial<Draft>,
  ) => {
    if (now < window.notBefore || now >= window.expiresAt) return;
    const addresses: [Channel, string | null][] = [
      ['email', input.channels.email ? patient.email : null],
      ['sms', input.channels.sms ? patient.smsPhone : null],
    ];
    for (const [channel, to] of addresses) {
      if (!to) continue;
      drafts.push({
        ...base,
        ...refs,
        key: `patient:${patient.patientId}:${kind}:${date}:${channel}`,
        kind,
        channel,
        patientId: patient.patientId,
        to,
        subject: message.subject,
        body: channel === 'email' ? (message.emailText ?? message.text) : message.text,
        ...window,
      });
    }
  };

  // Patient: the evening before and the morning of each booked appointment.
  for (const a of input.appointments) {
    const patient = patients.get(a.patientId);
    if (!patient) continue;
    const day = localDateOf(a.startsAt, tz);
    const refs = { pumpId: a.pumpId, appointmentId: a.appointmentId, appointmentStartsAt: a.startsAt };
    toPatient(
      patient,
      'appointment-evening',
      day,
      appointmentEveningMessage(a.startsAt, tz, clinic.phone, !!input.attendanceLinks),
      { notBefore: at(addDaysToLocalDate(day, -1), clinic.eveningReminderAt), expiresAt: Math.min(at(day, '00:00'), a.startsAt) },
      refs,
    );
    toPatient(
      patient,
      'appointment-morning',
      day,
      appointmentMorningMessage(a.startsAt, tz, clinic.phone, !!input.attendanceLinks),
      { notBefore: at(day, clinic.morningReminderAt), expiresAt: a.startsAt },
      refs,
    );
  }

  // Patient: the refill is due soon and none is booked; or it is overdue. Once per due date, in daytime.
  const daytime = { notBefore: at(today, clinic.morningReminderAt), expiresAt: at(today, PATIENT_QUIET_FROM) };
  for (const p of input.pumps) {
    const patient = patients.get(p.patientId);
    if (!patient) continue;
    const refs = { pumpId: p.pumpId, refillDueOn: p.refillDueOn };
    if (overdueStatuses.includes(p.status)) {
      toPatient(patient, 'refill-overdue', p.refillDueOn, refillOverdueMessage(clinic.phone), daytime, refs);
    } else if (p.status === 'due-soon' && p.nextAppointmentAt === null) {
      toPatient(patient, 'refill-due-unbooked', p.refillDueOn, refillDueUnbookedMessage(p.refillDueOn, clinic.phone), daytime, refs);
    }
  }

  // Staff: each clinic morning, a digest to each nurse on duty.
  const initialsOf = (patientId: number) => patients.get(patientId)?.initials ?? '?.?.';
  if (input.channels.email && isClinicDay(today, clinic) && input.dutyStaff.length > 0) {
    const digest = staffDigestMessage(today, digestSections(input, now), clinic.publicUrl);
    for (const s of input.dutyStaff) {
      const window = { notBefore: at(today, clinic.digestAt), expiresAt: at(addDaysToLocalDate(today, 1), '00:00') };
      if (now < window.notBefore || now >= window.expiresAt) continue;
      drafts.push({ ...base, key: `staff:${s.userId}:staff-digest:${today}`, kind: 'staff-digest', channel: 'email', userId: s.userId, to: s.email, subject: digest.subject, body: digest.text, ...window });
    }
  }

  // Staff: a reminder that could not be delivered, at once to the nurses on duty (else the on-call contact).
  // Without e-mail (an SMS-only clinic), the on-call phone gets it by SMS.
  const alertees: { id: string; channel: Channel; to: string }[] = !input.channels.email
    ? input.channels.sms && clinic.onCall.phone
      ? [{ id: 'on-call', channel: 'sms', to: clinic.onCall.phone }]
      : []
    : input.dutyStaff.length
      ? input.dutyStaff.map((s) => ({ id: s.userId, channel: 'email' as const, to: s.email }))
      : clinic.onCall.email
        ? [{ id: 'on-call', channel: 'email', to: clinic.onCall.email }]
        : [];
  for (const f of input.failedReminders) {
    const message = undeliverableMessage({ patientId: f.patientId, initials: initialsOf(f.patientId), kind: f.kind, channel: f.channel, error: f.error, publicUrl: clinic.publicUrl });
    for (const s of alertees) {
      drafts.push({
        ...base,
        key: `staff:${s.id}:undeliverable:${f.notificationId}:${s.channel}`,
        kind: 'undeliverable',
        channel: s.channel,
        patientId: f.patientId,
        userId: s.id === 'on-call' ? null : s.id,
        aboutNotificationId: f.notificationId,
        to: s.to,
        subject: message.subject,
        body: s.channel === 'sms' ? message.subject : message.text,
        notBefore: f.failedAt,
        expiresAt: f.failedAt + 7 * DAY_MS,
      });
    }
  }

  // Escalation: a critical alert nobody acknowledged goes to the managing physician, then to the on-call contact.
  const delay = clinic.escalateAfterMinutes * MINUTE_MS;
  for (const c of input.criticalAlerts) {
    if (c.acknowledged) continue;
    const stages: { kind: DraftKind; to: 'physician' | 'on-call'; after: number; email: string | null; sms: string | null }[] = [
      { kind: 'escalation-physician', to: 'physician', after: delay, email: c.physicianEmail, sms: null },
      { kind: 'escalation-on-call', to: 'on-call', after: 2 * delay, email: clinic.onCall.email || null, sms: clinic.onCall.phone || null },
    ];
    for (const stage of stages) {
      const notBefore = c.since + stage.after;
      if (now < notBefore) continue;
      const message = escalationMessage({
        patientId: c.patientId,
        initials: initialsOf(c.patientId),
        alert: c.kind,
        since: c.since,
        minutesOpen: Math.floor((now - c.since) / MINUTE_MS),
        timeZone: tz,
        publicUrl: clinic.publicUrl,
        to: stage.to,
      });
      const targets: [Channel, string | null][] = [
        ['email', input.channels.email ? stage.email : null],
        ['sms', input.channels.sms ? stage.sms : null],
      ];
      for (const [channel, to] of targets) {
        if (!to) continue;
        drafts.push({
          ...base,
          key: escalationKey(c.pumpId, c.kind, c.since, stage.to, channel),
          kind: stage.kind,
          channel,
          patientId: c.patientId,
          pumpId: c.pumpId,
          to,
          subject: message.subject,
          // An SMS carries the one line that matters; the e-mail the whole message.
          body: channel === 'sms' ? message.subject : message.text,
          notBefore,
          // The alert is still open however long ago it began (e.g. alerts open when notifications were switched on).
          expiresAt: Math.max(notBefore, now) + DAY_MS,
        });
      }
    }
  }
  return drafts;
}

/** One escalation per alert episode (pump, alert, the instant it became critical), stage and channel. */
export function escalationKey(pumpId: number, kind: CriticalAlertKind, since: EpochMs, to: 'physician' | 'on-call', channel: Channel): string {
  return `escalation:${pumpId}:${kind}:${since}:${to}:${channel}`;
}

/** The alert an escalation key is about, so the worker can check it is still unacknowledged before sending. */
export function parseEscalationKey(key: string): { pumpId: number; kind: CriticalAlertKind; since: EpochMs } | null {
  const m = /^escalation:(\d+):(empty|past-alarm|critical-discrepancy):(\d+):/.exec(key);
  return m ? { pumpId: Number(m[1]), kind: m[2] as CriticalAlertKind, since: Number(m[3]) } : null;
}

/** The digest's lists, most urgent first within each. */
export function digestSections(input: ScheduleInput, now: EpochMs): DigestSections {
  const tz = input.clinic.timeZone;
  const patients = new Map(input.patients.map((p) => [p.patientId, p]));
  const who = (patientId: number) => ({ patientId, initials: patients.get(patientId)?.initials ?? '?.?.' });
  const urgency = (st: ForecastStatus) => ['empty', 'critical', 'overdue', 'due-soon', 'ok'].indexOf(st);
  const pumps = [...input.pumps].sort((a, b) => urgency(a.status) - urgency(b.status) || a.refillDueOn.localeCompare(b.refillDueOn));
  const statusText = (p: PumpState) =>
    p.status === 'empty'
      ? `empty (refill was due ${dayText(p.refillDueOn)})`
      : p.status === 'critical'
        ? `past the low-reservoir alarm (refill was due ${dayText(p.refillDueOn)})`
        : `refill was due ${dayText(p.refillDueOn)}`;
  return {
    overdue: pumps.filter((p) => overdueStatuses.includes(p.status)).map((p) => ({ ...who(p.patientId), detail: statusText(p) })),
    noAppointment: pumps
      .filter((p) => p.status !== 'ok' && p.nextAppointmentAt === null)
      .map((p) => ({ ...who(p.patientId), detail: `no appointment booked, refill due ${dayText(p.refillDueOn)}` })),
    lateAppointment: pumps
      .filter(
        (p) =>
          p.nextAppointmentAt !== null &&
          (p.appointmentLate || (p.lowReservoirAlarmAt !== null && p.nextAppointmentAt > p.lowReservoirAlarmAt)),
      )
      .map((p) => ({
        ...who(p.patientId),
        detail: `appointment ${dayText(localDateOf(p.nextAppointmentAt!, tz))}, refill due ${dayText(p.refillDueOn)}${p.lowReservoirAlarmAt !== null && p.nextAppointmentAt! > p.lowReservoirAlarmAt ? ', after the alarm date' : ''}`,
      })),
    discrepancies: [...input.discrepancies]
      .sort((a, b) => a.performedAt - b.performedAt)
      .map((d) => ({ ...who(d.patientId), detail: `${d.severity} discrepancy at the refill of ${dayText(localDateOf(d.performedAt, tz))}` })),
    undeliverable: input.failedReminders
      .filter((f) => f.failedAt <= now)
      .map((f) => ({ ...who(f.patientId), detail: `${f.channel === 'sms' ? 'SMS' : 'e-mail'} reminder failed ${dayText(localDateOf(f.failedAt, tz))}` })),
  };
}
