/**
 * The outbox and what it is derived from: the state of a clinic that lib/notifications/schedule.ts turns into
 * notifications, the outbox rows themselves (insert once per key, claim with a lease, record the outcome), a
 * patient's reminder contact and consent, staff duty, and the clinic's notification settings.
 */
import { and, desc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { ATTENDANCE_LINK_PLACEHOLDER, attendanceToken } from '@/lib/notifications/attendance';
import { LEASE_MS, messageIdFor } from '@/lib/notifications/delivery';
import { hashToken } from '@/lib/token-hash';
import { initials } from '@/lib/notifications/messages';
import { dueNotifications, parseEscalationKey, type CriticalAlertState, type Draft, type FailedReminderState, type ScheduleInput } from '@/lib/notifications/schedule';
import { writeTransaction, type Db } from '../client';
import * as s from '../schema';
import { openDiscrepancyAlerts } from './alerts';
import { audit, type Actor } from './audit';
import { assertSameVersion } from './versioning';
import { clinicStatusSql, worklistStatuses } from './worklist';

type Reader = Pick<Db, 'select'>;

export interface NotificationEnvironment {
  channels: { email: boolean; sms: boolean };
  /** Base of staff links, e.g. https://pumps.example.org */
  publicUrl: string;
  /** Right-hand side of Message-IDs. */
  messageDomain: string;
  /** Signs the appointment e-mails' one-time attendance links (lib/notifications/attendance.ts); none without it. */
  attendanceSecret?: string;
}

export const patientReminderKinds = ['appointment-evening', 'appointment-morning', 'refill-due-unbooked', 'refill-overdue'] as const;
const FAILED_REMINDER_WINDOW_MS = 7 * 86_400_000;

// ---- Clinic notification settings ----

export type ClinicNotificationSettings = Omit<typeof s.clinicNotificationSettings.$inferSelect, 'updatedAt'>;

export function clinicNotificationSettings(db: Reader, clinicId: number): ClinicNotificationSettings {
  const row = db.select().from(s.clinicNotificationSettings).where(eq(s.clinicNotificationSettings.clinicId, clinicId)).get();
  if (row) return row;
  // Not saved yet: the table's defaults.
  return { clinicId, eveningReminderAt: '18:00', morningReminderAt: '07:00', digestAt: '07:30', escalateAfterMinutes: 60, onCallName: '', onCallEmail: '', onCallPhone: '', version: 0 };
}

export interface ClinicNotificationSettingsInput {
  version: number;
  eveningReminderAt: string;
  morningReminderAt: string;
  digestAt: string;
  escalateAfterMinutes: number;
  onCallName: string;
  onCallEmail: string;
  onCallPhone: string;
}

export function updateClinicNotificationSettings(db: Db, actor: Actor, input: ClinicNotificationSettingsInput, now: number): ClinicNotificationSettings {
  return writeTransaction(db, (tx) => {
    const before = clinicNotificationSettings(tx, actor.clinicId);
    assertSameVersion('notification settings', input.version, before.version);
    const { version: _v, ...values } = input;
    const row = tx
      .insert(s.clinicNotificationSettings)
      .values({ clinicId: actor.clinicId, ...values, version: before.version + 1, updatedAt: now })
      .onConflictDoUpdate({
        target: s.clinicNotificationSettings.clinicId,
        set: { ...values, version: before.version + 1, updatedAt: now },
        setWhere: eq(s.clinicNotificationSettings.version, before.version),
      })
      .returning()
      .get();
    if (!row) throw new ConflictError('The notification settings were changed by someone else meanwhile. Reload and try again.');
    audit(tx, actor, 'update', 'notification-settings', actor.clinicId, before, values);
    const { updatedAt: _u, ...settings } = row;
    return settings;
  });
}

// ---- Staff duty ----

export function staffOnDuty(db: Reader, clinicId: number): { userId: string; name: string; email: string }[] {
  return db
    .select({ userId: s.users.id, name: s.users.name, email: s.users.email })
    .from(s.staffNotificationSettings)
    .innerJoin(s.users, eq(s.users.id, s.staffNotificationSettings.userId))
    .where(and(eq(s.users.clinicId, clinicId), eq(s.staffNotificationSettings.onDuty, true), or(isNull(s.users.banned), eq(s.users.banned, false))))
    .orderBy(s.users.name)
    .all();
}

/** Nurses and physicians of the clinic with their duty flag, for the settings page. */
export function dutyRoster(db: Reader, clinicId: number): { userId: string; name: string; role: s.StaffRole; onDuty: boolean }[] {
  return db
    .select({ userId: s.users.id, name: s.users.name, role: s.users.role, onDuty: sql<number>`coalesce(${s.staffNotificationSettings.onDuty}, 0)` })
    .from(s.users)
    .leftJoin(s.staffNotificationSettings, eq(s.staffNotificationSettings.userId, s.users.id))
    .where(and(eq(s.users.clinicId, clinicId), inArray(s.users.role, ['nurse', 'physician']), or(isNull(s.users.banned), eq(s.users.banned, false))))
    .orderBy(desc(eq(s.users.role, 'nurse')), s.users.name)
    .all()
    .map((r) => ({ ...r, onDuty: !!r.onDuty }));
}

export function setStaffOnDuty(db: Db, actor: Actor, userId: string, onDuty: boolean, now: number): void {
  writeTransaction(db, (tx) => {
    const user = tx.select({ id: s.users.id }).from(s.users).where(and(eq(s.users.id, userId), eq(s.users.clinicId, actor.clinicId))).get();
    if (!user) throw new NotFoundError('No such staff member in this clinic.');
    tx.insert(s.staffNotificationSettings)
      .values({ userId, onDuty, updatedAt: now })
      .onConflictDoUpdate({ target: s.staffNotificationSettings.userId, set: { onDuty, updatedAt: now } })
      .run();
    audit(tx, actor, 'update', 'staff-duty', userId, null, { onDuty });
  });
}

// ---- A patient's reminder contact and consent ----

export interface ReminderContactInput {
  version: number;
  email: string;
  emailConsent: boolean;
  smsConsent: boolean;
}

export interface ReminderContact {
  patientId: number;
  version: number;
  email: string;
  phone: string;
  emailConsentedAt: number | null;
  smsConsentedAt: number | null;
  recordedByName: string | null;
}

export function reminderContact(db: Reader, clinicId: number, patientId: number): ReminderContact {
  const row = db
    .select({
      patientId: s.patients.id,
      version: s.patients.version,
      email: s.patients.reminderEmail,
      phone: s.patients.phone,
      emailConsentedAt: s.patients.emailRemindersConsentedAt,
      smsConsentedAt: s.patients.smsRemindersConsentedAt,
      recordedByName: s.users.name,
    })
    .from(s.patients)
    .leftJoin(s.users, eq(s.users.id, s.patients.reminderConsentRecordedById))
    .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such patient.');
  return row;
}

/**
 * Records the reminder e-mail and the patient's consent per channel. A consent keeps the date it was first
 * given; withdrawing clears it (and pending reminders of that channel are cancelled in the same transaction).
 * Bumps the patient record's version, so a concurrent edit of the record or the consent is a 409.
 */
export function updateReminderContact(db: Db, actor: Actor, patientId: number, input: ReminderContactInput, now: number): ReminderContact {
  return writeTransaction(db, (tx) => {
    const current = reminderContact(tx, actor.clinicId, patientId);
    assertSameVersion('patient record', input.version, current.version);
    if (input.emailConsent && !input.email)
      throw new ValidationError('Invalid input', { email: 'An e-mail address is required for e-mail reminders' });
    if (input.smsConsent && !current.phone)
      throw new ValidationError('Invalid input', { smsConsent: 'Record the patient’s phone number before consenting to SMS reminders' });
    const emailConsentedAt = input.emailConsent ? (current.emailConsentedAt ?? now) : null;
    const smsConsentedAt = input.smsConsent ? (current.smsConsentedAt ?? now) : null;
    const updated = tx
      .update(s.patients)
      .set({
        reminderEmail: input.email,
        emailRemindersConsentedAt: emailConsentedAt,
        smsRemindersConsentedAt: smsConsentedAt,
        reminderConsentRecordedById: actor.id,
        version: current.version + 1,
        updatedAt: now,
      })
      .where(and(eq(s.patients.id, patientId), eq(s.patients.version, current.version)))
      .returning({ id: s.patients.id })
      .get();
    if (!updated) assertSameVersion('patient record', input.version, current.version + 1);
    const withdrawn = [
      ...(emailConsentedAt === null || input.email !== current.email ? (['email'] as const) : []),
      ...(smsConsentedAt === null ? (['sms'] as const) : []),
    ];
    if (withdrawn.length)
      tx.update(s.notifications)
        .set({ status: 'cancelled', lastError: 'consent withdrawn or address changed', leaseUntil: null })
        .where(and(eq(s.notifications.patientId, patientId), eq(s.notifications.status, 'pending'), inArray(s.notifications.channel, withdrawn), inArray(s.notifications.kind, [...patientReminderKinds])))
        .run();
    audit(
      tx,
      actor,
      'update',
      'patient-reminder-consent',
      patientId,
      { email: current.email, emailConsentedAt: current.emailConsentedAt, smsConsentedAt: current.smsConsentedAt },
      { email: input.email, emailConsentedAt, smsConsentedAt },
    );
    return reminderContact(tx, actor.clinicId, patientId);
  });
}

// ---- A patient's notification history ----

export interface NotificationDto {
  id: number;
  kind: s.NotificationKind;
  channel: s.NotificationChannel;
  to: string;
  subject: string;
  status: s.NotificationStatus;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  failedAt: number | null;
}

export function patientNotifications(db: Reader, clinicId: number, patientId: number, limit = 50): NotificationDto[] {
  const n = s.notifications;
  return db
    .select({ id: n.id, kind: n.kind, channel: n.channel, to: n.toAddress, subject: n.subject, status: n.status, attempts: n.attempts, lastError: n.lastError, createdAt: n.createdAt, sentAt: n.sentAt, failedAt: n.failedAt })
    .from(n)
    .where(and(eq(n.clinicId, clinicId), eq(n.patientId, patientId), inArray(n.kind, [...patientReminderKinds])))
    .orderBy(desc(n.createdAt), desc(n.id))
    .limit(limit)
    .all();
}

// ---- Deriving notifications from the stored state ----

export function loadScheduleInput(db: Reader, clinicId: number, now: number, environment: NotificationEnvironment): ScheduleInput {
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) throw new NotFoundError(`Clinic ${clinicId} not found`);
  const settings = clinicNotificationSettings(db, clinicId);
  const { status } = clinicStatusSql(clinic, now);
  const f = s.pumpForecasts;
  const rows = db
    .select({
      pumpId: f.pumpId,
      patientId: s.pumps.patientId,
      status,
      refillDueOn: f.refillDueOn,
      lowReservoirAlarmAt: f.lowReservoirAlarmAt,
      emptyAt: f.emptyAt,
      nextAppointmentAt: f.nextAppointmentAt,
      appointmentLate: f.appointmentLate,
      givenName: s.patients.givenName,
      familyName: s.patients.familyName,
      email: s.patients.reminderEmail,
      emailConsentedAt: s.patients.emailRemindersConsentedAt,
      phone: s.patients.phone,
      smsConsentedAt: s.patients.smsRemindersConsentedAt,
      physicianEmail: s.users.email,
    })
    .from(f)
    .innerJoin(s.pumps, and(eq(s.pumps.id, f.pumpId), eq(s.pumps.status, 'active')))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .leftJoin(s.users, eq(s.users.id, s.patients.managingPhysicianId))
    // Only the pumps a rule can concern (a 10,000-pump clinic has a few hundred): due soon or worse, booked after
    // the due or alarm date, or with an open HIGH/CRITICAL alert (stored by refreshForecasts, E5 included).
    .where(
      and(
        eq(f.clinicId, clinicId),
        or(sql`${status} <= 3`, eq(f.appointmentLate, true), sql`${f.nextAppointmentAt} > ${f.lowReservoirAlarmAt}`, gte(f.worstAlertRank, 3)),
      ),
    )
    .all();

  const patients = new Map<number, ScheduleInput['patients'][number]>();
  const addPatient = (r: { patientId: number; givenName: string; familyName: string; email: string; emailConsentedAt: number | null; phone: string; smsConsentedAt: number | null }) =>
    patients.set(r.patientId, {
      patientId: r.patientId,
      initials: initials(r.givenName, r.familyName),
      email: r.emailConsentedAt != null && r.email ? r.email : null,
      smsPhone: r.smsConsentedAt != null && r.phone ? r.phone : null,
    });
  for (const r of rows) addPatient(r);
  const pumps = rows.map((r) => ({
    pumpId: r.pumpId,
    patientId: r.patientId,
    status: (worklistStatuses[r.status] ?? 'ok'),
    refillDueOn: r.refillDueOn,
    lowReservoirAlarmAt: r.lowReservoirAlarmAt,
    emptyAt: r.emptyAt,
    nextAppointmentAt: r.nextAppointmentAt,
    appointmentLate: r.appointmentLate,
  }));
  const pumpIds = pumps.map((p) => p.pumpId);
  const patientOfPump = new Map(rows.map((r) => [r.pumpId, r]));

  const appointmentRows = db
    .select({
      appointmentId: s.appointments.id,
      pumpId: s.appointments.pumpId,
      patientId: s.pumps.patientId,
      startsAt: s.appointments.startsAt,
      givenName: s.patients.givenName,
      familyName: s.patients.familyName,
      email: s.patients.reminderEmail,
      emailConsentedAt: s.patients.emailRemindersConsentedAt,
      phone: s.patients.phone,
      smsConsentedAt: s.patients.smsRemindersConsentedAt,
    })
    .from(s.appointments)
    .innerJoin(s.pumps, and(eq(s.pumps.id, s.appointments.pumpId), eq(s.pumps.status, 'active')))
    .innerJoin(s.patients, and(eq(s.patients.id, s.pumps.patientId), eq(s.patients.clinicId, clinicId)))
    .where(and(eq(s.appointments.status, 'booked'), gte(s.appointments.startsAt, now), lte(s.appointments.startsAt, now + 2 * 86_400_000)))
    .all();
  for (const a of appointmentRows) if (!patients.has(a.patientId)) addPatient(a);
  const appointments = appointmentRows.map((a) => ({ appointmentId: a.appointmentId, pumpId: a.pumpId, patientId: a.patientId, startsAt: a.startsAt }));

  const discrepancies: ScheduleInput['discrepancies'] = [];
  const criticalAlerts: CriticalAlertState[] = [];
  // In chunks: one bound parameter per pump, and SQLite caps them (32,766).
  const open = new Map<number, ReturnType<typeof openDiscrepancyAlerts> extends Map<number, infer A> ? A : never>();
  for (let i = 0; i < pumpIds.length; i += 5000) for (const [k, v] of openDiscrepancyAlerts(db, pumpIds.slice(i, i + 5000))) open.set(k, v);
  for (const [pumpId, alerts] of open) {
    const owner = patientOfPump.get(pumpId);
    if (!owner) continue;
    for (const a of alerts) {
      if (!a.review) continue;
      discrepancies.push({ pumpId, patientId: owner.patientId, performedAt: a.review.performedAt, severity: a.severity });
      // Only a physician's review closes an E5 alert: it is "unacknowledged" while it is open.
      if (a.severity === 'critical')
        criticalAlerts.push({ pumpId, patientId: owner.patientId, kind: 'critical-discrepancy', since: a.review.performedAt, acknowledged: false, physicianEmail: owner.physicianEmail });
    }
  }

  // E1 at CRITICAL: past the alarm (from the start of the alarm's clinic-local day, as the worklist) or empty.
  const e1 = pumps
    .filter((p) => p.status === 'empty' || p.status === 'critical')
    .map((p) => ({
      p,
      kind: p.status === 'empty' ? ('empty' as const) : ('past-alarm' as const),
      since:
        p.status === 'empty'
          ? p.emptyAt!
          : localDateTimeToInstant(localDateOf(p.lowReservoirAlarmAt!, clinic.timeZone), '00:00', clinic.timeZone),
    }));
  const acks = e1.length
    ? db
        .select({ pumpId: s.alertAcknowledgements.pumpId, at: s.alertAcknowledgements.at, action: s.alertAcknowledgements.action, snoozedUntil: s.alertAcknowledgements.snoozedUntil })
        .from(s.alertAcknowledgements)
        .where(and(inArray(s.alertAcknowledgements.pumpId, e1.map((x) => x.p.pumpId)), eq(s.alertAcknowledgements.code, 'E1'), eq(s.alertAcknowledgements.severity, 'critical')))
        .all()
    : [];
  for (const { p, kind, since } of e1) {
    // Acted on after it became critical: an acknowledgement, or a snooze still running.
    const acknowledged = acks.some((a) => a.pumpId === p.pumpId && a.at >= since && (a.action === 'acknowledge' || (a.snoozedUntil ?? 0) > now));
    criticalAlerts.push({ pumpId: p.pumpId, patientId: p.patientId, kind, since, acknowledged, physicianEmail: patientOfPump.get(p.pumpId)?.physicianEmail ?? null });
  }

  const n = s.notifications;
  const failedReminders: FailedReminderState[] = db
    .select({ notificationId: n.id, patientId: n.patientId, kind: n.kind, channel: n.channel, error: n.lastError, failedAt: n.failedAt })
    .from(n)
    .where(and(eq(n.clinicId, clinicId), eq(n.status, 'failed'), inArray(n.kind, [...patientReminderKinds]), gte(n.failedAt, now - FAILED_REMINDER_WINDOW_MS)))
    .all()
    .map((r) => ({
      notificationId: r.notificationId,
      patientId: r.patientId!,
      kind: r.kind as (typeof patientReminderKinds)[number],
      channel: r.channel,
      error: r.error ?? 'unknown error',
      failedAt: r.failedAt!,
    }));
  for (const f of failedReminders) {
    if (patients.has(f.patientId)) continue;
    const p = db.select({ givenName: s.patients.givenName, familyName: s.patients.familyName }).from(s.patients).where(eq(s.patients.id, f.patientId)).get();
    patients.set(f.patientId, { patientId: f.patientId, initials: p ? initials(p.givenName, p.familyName) : '?.?.', email: null, smsPhone: null });
  }

  return {
    clinic: {
      clinicId,
      timeZone: clinic.timeZone,
      phone: clinic.phoneOffice || clinic.phone24h,
      clinicWeekdays: clinic.clinicWeekdays,
      holidays: clinic.holidays,
      eveningReminderAt: settings.eveningReminderAt,
      morningReminderAt: settings.morningReminderAt,
      digestAt: settings.digestAt,
      escalateAfterMinutes: settings.escalateAfterMinutes,
      onCall: { email: settings.onCallEmail, phone: settings.onCallPhone },
      publicUrl: environment.publicUrl,
    },
    channels: environment.channels,
    attendanceLinks: !!environment.attendanceSecret,
    patients: [...patients.values()],
    pumps,
    appointments,
    discrepancies,
    criticalAlerts,
    failedReminders,
    dutyStaff: staffOnDuty(db, clinicId).map((u) => ({ userId: u.userId, email: u.email })),
  };
}

/** Every notification due now in every clinic, whether or not it is already in the outbox. */
export function deriveDue(db: Reader, now: number, environment: NotificationEnvironment): Draft[] {
  if (!environment.channels.email && !environment.channels.sms) return [];
  const clinicIds = db.select({ id: s.clinics.id }).from(s.clinics).all();
  return clinicIds.flatMap((c) => dueNotifications(loadScheduleInput(db, c.id, now, environment), now));
}

/** The drafts not yet in the outbox (what --dry-run shows and enqueueDue would insert). */
export function newDrafts(db: Reader, drafts: Draft[]): Draft[] {
  if (drafts.length === 0) return [];
  const known = new Set<string>();
  for (let i = 0; i < drafts.length; i += 500) {
    const keys = drafts.slice(i, i + 500).map((d) => d.key);
    for (const r of db.select({ key: s.notifications.key }).from(s.notifications).where(inArray(s.notifications.key, keys)).all()) known.add(r.key);
  }
  return drafts.filter((d) => !known.has(d.key));
}

/** Writes the notifications due now to the outbox, once per key. Returns those inserted. */
export function enqueueDue(db: Db, now: number, environment: NotificationEnvironment): Draft[] {
  // Derived outside the write lock (reads only); the insert is idempotent per key, so a concurrent run is harmless.
  const drafts = deriveDue(db, now, environment);
  if (drafts.length === 0) return [];
  return writeTransaction(db, (tx) => {
    const inserted: Draft[] = [];
    for (const d of drafts) {
      const row = tx
        .insert(s.notifications)
        .values({
          clinicId: d.clinicId,
          key: d.key,
          kind: d.kind,
          channel: d.channel,
          patientId: d.patientId,
          pumpId: d.pumpId,
          userId: d.userId,
          appointmentId: d.appointmentId,
          appointmentStartsAt: d.appointmentStartsAt,
          refillDueOn: d.refillDueOn,
          aboutNotificationId: d.aboutNotificationId,
          toAddress: d.to,
          subject: d.subject,
          body: d.body,
          messageId: messageIdFor(d.key, environment.messageDomain),
          nextAttemptAt: Math.max(now, d.notBefore),
          expiresAt: d.expiresAt,
          createdAt: now,
        })
        .onConflictDoNothing({ target: s.notifications.key })
        .returning({ id: s.notifications.id })
        .get();
      if (row) inserted.push(d);
      if (environment.attendanceSecret && d.appointmentId != null && d.appointmentStartsAt != null && d.body.includes(ATTENDANCE_LINK_PLACEHOLDER)) {
        // Only the hash: the token is derived again as the message is sent (db/notifications-worker.ts bodyToSend).
        tx.insert(s.attendanceLinks)
          .values({
            clinicId: d.clinicId,
            appointmentId: d.appointmentId,
            tokenHash: hashToken(attendanceToken(environment.attendanceSecret, d.appointmentId, d.appointmentStartsAt)),
            appointmentStartsAt: d.appointmentStartsAt,
            expiresAt: d.appointmentStartsAt,
            createdAt: now,
          })
          .onConflictDoNothing({ target: s.attendanceLinks.tokenHash })
          .run();
      }
    }
    return inserted;
  });
}

// ---- Sending: claim, then record the outcome ----

export type ClaimedNotification = Pick<
  s.Notification,
  'id' | 'key' | 'kind' | 'channel' | 'toAddress' | 'subject' | 'body' | 'messageId' | 'attempts' | 'expiresAt' | 'createdAt' | 'patientId' | 'appointmentId' | 'appointmentStartsAt'
>;

/** Why a reminder written earlier is no longer true, if it is not: the appointment moved, the refill was done. */
function supersededReason(db: Reader, row: s.Notification, now: number): string | null {
  if (row.appointmentId != null) {
    const a = db.select({ status: s.appointments.status, startsAt: s.appointments.startsAt }).from(s.appointments).where(eq(s.appointments.id, row.appointmentId)).get();
    if (!a || a.status !== 'booked') return 'the appointment is no longer booked';
    if (a.startsAt !== row.appointmentStartsAt) return 'the appointment was moved';
  } else if (row.refillDueOn != null && row.pumpId != null && (row.kind === 'refill-due-unbooked' || row.kind === 'refill-overdue')) {
    const f = db.select({ refillDueOn: s.pumpForecasts.refillDueOn, nextAppointmentAt: s.pumpForecasts.nextAppointmentAt }).from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, row.pumpId)).get();
    if (!f || f.refillDueOn !== row.refillDueOn) return 'the pump was refilled';
    if (row.kind === 'refill-due-unbooked' && f.nextAppointmentAt != null) return 'an appointment was booked';
  } else if (row.kind === 'escalation-physician' || row.kind === 'escalation-on-call') {
    // Sent late (a retry): not once someone has acted on the alert.
    const alert = parseEscalationKey(row.key);
    if (alert?.kind === 'critical-discrepancy') {
      const v = db
        .select({ reviewedAt: s.refillVisits.discrepancyReviewedAt })
        .from(s.refillVisits)
        .where(and(eq(s.refillVisits.pumpId, alert.pumpId), eq(s.refillVisits.performedAt, alert.since)))
        .get();
      if (v?.reviewedAt != null) return 'a physician reviewed the discrepancy';
    } else if (alert) {
      const acks = db
        .select({ action: s.alertAcknowledgements.action, snoozedUntil: s.alertAcknowledgements.snoozedUntil })
        .from(s.alertAcknowledgements)
        .where(and(eq(s.alertAcknowledgements.pumpId, alert.pumpId), eq(s.alertAcknowledgements.code, 'E1'), eq(s.alertAcknowledgements.severity, 'critical'), gte(s.alertAcknowledgements.at, alert.since)))
        .all();
      if (acks.some((a) => a.action === 'acknowledge' || (a.snoozedUntil ?? 0) > now)) return 'the alert was acknowledged';
    }
  }
  return null;
}

/**
 * Claims up to `limit` rows due now: pending rows whose time has come, and rows left 'sending' past their lease
 * (the process died mid-send). Each claimed row is 'sending' with attempts + 1, in one write transaction, so two
 * workers never claim the same row. Expired rows fail; superseded ones are cancelled.
 */
export function claimDue(db: Db, now: number, limit = 20): ClaimedNotification[] {
  return writeTransaction(db, (tx) => {
    const n = s.notifications;
    const rows = tx
      .select()
      .from(n)
      .where(or(and(eq(n.status, 'pending'), lte(n.nextAttemptAt, now)), and(eq(n.status, 'sending'), lte(n.leaseUntil, now))))
      .orderBy(n.nextAttemptAt, n.id)
      .limit(limit)
      .all();
    const claimed: ClaimedNotification[] = [];
    for (const row of rows) {
      if (row.expiresAt <= now) {
        tx.update(n)
          .set({ status: 'failed', failedAt: now, leaseUntil: null, lastError: row.lastError ? `${row.lastError}; not sent before it expired` : 'not sent before it expired (the server was not running?)' })
          .where(eq(n.id, row.id))
          .run();
        continue;
      }
      const superseded = supersededReason(tx, row, now);
      if (superseded) {
        tx.update(n).set({ status: 'cancelled', leaseUntil: null, lastError: superseded }).where(eq(n.id, row.id)).run();
        continue;
      }
      tx.update(n).set({ status: 'sending', attempts: row.attempts + 1, leaseUntil: now + LEASE_MS }).where(eq(n.id, row.id)).run();
      claimed.push({ ...row, attempts: row.attempts + 1 });
    }
    return claimed;
  });
}

export function markSent(db: Db, id: number, now: number): void {
  writeTransaction(db, (tx) =>
    tx.update(s.notifications).set({ status: 'sent', sentAt: now, leaseUntil: null, lastError: null }).where(and(eq(s.notifications.id, id), eq(s.notifications.status, 'sending'))).run(),
  );
}

export function markRetry(db: Db, id: number, error: string, retryAt: number): void {
  writeTransaction(db, (tx) =>
    tx.update(s.notifications).set({ status: 'pending', nextAttemptAt: retryAt, leaseUntil: null, lastError: error }).where(and(eq(s.notifications.id, id), eq(s.notifications.status, 'sending'))).run(),
  );
}

export function markFailed(db: Db, id: number, error: string, now: number): void {
  writeTransaction(db, (tx) =>
    tx.update(s.notifications).set({ status: 'failed', failedAt: now, leaseUntil: null, lastError: error }).where(and(eq(s.notifications.id, id), eq(s.notifications.status, 'sending'))).run(),
  );
}

/** Outbox rows waiting (pending or interrupted), for --dry-run. */
export function pendingNotifications(db: Reader, now: number) {
  const n = s.notifications;
  return db
    .select({ id: n.id, kind: n.kind, channel: n.channel, to: n.toAddress, subject: n.subject, status: n.status, attempts: n.attempts, nextAttemptAt: n.nextAttemptAt })
    .from(n)
    .where(or(and(eq(n.status, 'pending'), lte(n.nextAttemptAt, now)), and(eq(n.status, 'sending'), lte(n.leaseUntil, now))))
    .orderBy(n.nextAttemptAt)
    .all();
}

export function countByStatus(db: Reader): Record<s.NotificationStatus, number> {
  const counts = Object.fromEntries(s.notificationStatuses.map((st) => [st, 0])) as Record<s.NotificationStatus, number>;
  for (const r of db.select({ status: s.notifications.status, n: sql<number>`count(*)` }).from(s.notifications).groupBy(s.notifications.status).all()) counts[r.status] = r.n;
  return counts;
}
