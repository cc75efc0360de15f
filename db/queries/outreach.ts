/**
 * Reads of the outreach list (issue 16 item 4) and of the attendance links (item 5): a patient's contact log and
 * follow-ups, the recall list (the patients who need a call now, in the worklist's order), the front desk's queue of
 * requests for another time, the answers shown on the appointments, and what the patient's link page may show.
 */
import { and, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { upcomingAppointmentsFrom } from '@/lib/domain/risk';
import type { AttendanceResponse, ContactOutcome, StaffRole } from '@/lib/domain/vocabulary';
import { hashToken } from '@/lib/token-hash';
import type { Db } from '../client';
import * as s from '../schema';
import { alertRankSql, clinicStatusSql, listWorklist, type WorklistRow } from './worklist';

type Reader = Pick<Db, 'select'>;

const DAY_MS = 86_400_000;
/** A no-show (or a booked appointment nobody closed) this recent, with no refill since and none booked, needs a call. */
export const NO_SHOW_RECALL_DAYS = 14;

export interface ContactAttemptDto {
  id: number;
  outcome: ContactOutcome;
  note: string;
  at: number;
  byName: string;
}

export interface FollowUpDto {
  id: number;
  version: number;
  contactAttemptId: number;
  dueOn: string;
  assigneeId: string;
  assigneeName: string;
  doneAt: number | null;
  doneByName: string | null;
}

export interface ContactLog {
  attempts: ContactAttemptDto[];
  followUps: FollowUpDto[];
}

const doneBy = sql<string | null>`(select name from users where users.id = ${s.followUpTasks.doneById})`;

/** The patient's contact attempts (newest first) and follow-up tasks (open first, by due date). */
export function patientContactLog(db: Reader, clinicId: number, patientId: number, limit = 50): ContactLog {
  const attempts = db
    .select({ id: s.contactAttempts.id, outcome: s.contactAttempts.outcome, note: s.contactAttempts.note, at: s.contactAttempts.at, byName: s.users.name })
    .from(s.contactAttempts)
    .innerJoin(s.users, eq(s.users.id, s.contactAttempts.byId))
    .where(and(eq(s.contactAttempts.clinicId, clinicId), eq(s.contactAttempts.patientId, patientId)))
    .orderBy(desc(s.contactAttempts.at), desc(s.contactAttempts.id))
    .limit(limit)
    .all();
  const followUps = db
    .select({
      id: s.followUpTasks.id,
      version: s.followUpTasks.version,
      contactAttemptId: s.followUpTasks.contactAttemptId,
      dueOn: s.followUpTasks.dueOn,
      assigneeId: s.followUpTasks.assigneeId,
      assigneeName: s.users.name,
      doneAt: s.followUpTasks.doneAt,
      doneByName: doneBy,
    })
    .from(s.followUpTasks)
    .innerJoin(s.users, eq(s.users.id, s.followUpTasks.assigneeId))
    .where(and(eq(s.followUpTasks.clinicId, clinicId), eq(s.followUpTasks.patientId, patientId)))
    .orderBy(sql`${s.followUpTasks.doneAt} is not null`, s.followUpTasks.dueOn, s.followUpTasks.id)
    .limit(limit)
    .all();
  return { attempts, followUps };
}

/** Who a follow-up can be given to: the clinic's active staff who phone patients. */
export function followUpAssignees(db: Reader, clinicId: number): { id: string; name: string; role: StaffRole }[] {
  return db
    .select({ id: s.users.id, name: s.users.name, role: s.users.role })
    .from(s.users)
    .where(and(eq(s.users.clinicId, clinicId), inArray(s.users.role, ['nurse', 'physician', 'front-desk']), or(isNull(s.users.banned), eq(s.users.banned, false))))
    .orderBy(s.users.name)
    .all();
}

// ---- The recall list ----

export type RecallReason = 'empty' | 'past-alarm' | 'overdue' | 'due-unbooked' | 'critical-alert' | 'no-show';

export const recallReasonLabels: Record<RecallReason, string> = {
  empty: 'Reservoir calculated empty',
  'past-alarm': 'Past the low-reservoir alarm date',
  overdue: 'Refill overdue',
  'due-unbooked': 'Due soon, no appointment',
  'critical-alert': 'Critical alert not acknowledged',
  'no-show': 'Missed appointment',
};

export interface RecallRow {
  row: WorklistRow;
  reasons: RecallReason[];
  missedAt: number | null;
  lastAttempt: ContactAttemptDto | null;
  nextFollowUp: { dueOn: string; assigneeName: string } | null;
}

/**
 * Pumps whose patient needs a call now: overdue (past the due date, past the alarm, empty), due soon with no
 * appointment, an unacknowledged critical alert, or a recent no-show not followed by a refill or a new booking.
 * Ranked by the worklist's own query (listWorklist, decision 006), so the two lists never disagree on risk.
 */
export function recallList(db: Db, clinicId: number, now: number): { rows: RecallRow[]; timeZone: string; today: string } {
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) throw new Error(`Clinic ${clinicId} not found`);
  const { today, status } = clinicStatusSql(clinic, now);
  const alertRank = alertRankSql(status);
  const f = s.pumpForecasts;
  const candidates = db
    .select({ pumpId: f.pumpId })
    .from(f)
    .where(and(eq(f.clinicId, clinicId), or(sql`${status} <= 2`, and(sql`${status} = 3`, isNull(f.nextAppointmentAt)), sql`${alertRank} >= 4`)))
    .all()
    .map((r) => r.pumpId);

  // Missed: marked no-show, or still booked a day after it started (lib/domain/risk.ts), within the window.
  const a = s.appointments;
  const missedRows = db
    .select({ pumpId: a.pumpId, startsAt: sql<number>`max(${a.startsAt})` })
    .from(a)
    .innerJoin(f, eq(f.pumpId, a.pumpId))
    .where(
      and(
        eq(f.clinicId, clinicId),
        isNull(f.nextAppointmentAt),
        gte(a.startsAt, now - NO_SHOW_RECALL_DAYS * DAY_MS),
        or(eq(a.status, 'no-show'), and(eq(a.status, 'booked'), lt(a.startsAt, upcomingAppointmentsFrom(now)))),
        sql`not exists (select 1 from ${s.refillVisits} v where v.pump_id = ${a.pumpId} and v.performed_at > ${a.startsAt})`,
      ),
    )
    .groupBy(a.pumpId)
    .all();
  const missed = new Map(missedRows.map((m) => [m.pumpId, m.startsAt]));
  const pumpIds = [...new Set([...candidates, ...missed.keys()])];

  const ranked: WorklistRow[] = [];
  for (let page = 1; pumpIds.length > 0; page++) {
    const result = listWorklist(db, clinicId, { pumpIds, page, pageSize: 200 }, now);
    ranked.push(...result.rows);
    if (ranked.length >= result.total || result.rows.length === 0) break;
  }

  const seen = new Set<number>();
  const selected: { row: WorklistRow; reasons: RecallReason[] }[] = [];
  for (const row of ranked) {
    const reasons: RecallReason[] = [];
    if (row.forecastStatus === 'empty') reasons.push('empty');
    else if (row.forecastStatus === 'critical') reasons.push('past-alarm');
    else if (row.forecastStatus === 'overdue') reasons.push('overdue');
    else if (row.forecastStatus === 'due-soon' && row.nextAppointmentAt === null) reasons.push('due-unbooked');
    if (row.alerts.some((al) => al.severity === 'critical' && !al.acknowledged && al.code !== 'E1')) reasons.push('critical-alert');
    if (missed.has(row.pumpId)) reasons.push('no-show');
    // One row per patient (a second pump of the same patient is the same call), at its most urgent place.
    if (reasons.length === 0 || seen.has(row.patientId)) continue;
    seen.add(row.patientId);
    selected.push({ row, reasons });
  }

  const patientIds = selected.map((r) => r.row.patientId);
  const last = new Map<number, ContactAttemptDto>();
  const next = new Map<number, { dueOn: string; assigneeName: string }>();
  if (patientIds.length) {
    const latest = db
      .select({ id: s.contactAttempts.id, patientId: s.contactAttempts.patientId, outcome: s.contactAttempts.outcome, note: s.contactAttempts.note, at: s.contactAttempts.at, byName: s.users.name })
      .from(s.contactAttempts)
      .innerJoin(s.users, eq(s.users.id, s.contactAttempts.byId))
      .where(
        and(
          inArray(s.contactAttempts.patientId, patientIds),
          sql`${s.contactAttempts.id} = (select c2.id from ${s.contactAttempts} c2 where c2.patient_id = ${s.contactAttempts.patientId} order by c2.at desc, c2.id desc limit 1)`,
        ),
      )
      .all();
    for (const { patientId, ...attempt } of latest) last.set(patientId, attempt);
    const open = db
      .select({ patientId: s.followUpTasks.patientId, dueOn: s.followUpTasks.dueOn, assigneeName: s.users.name })
      .from(s.followUpTasks)
      .innerJoin(s.users, eq(s.users.id, s.followUpTasks.assigneeId))
      .where(and(inArray(s.followUpTasks.patientId, patientIds), isNull(s.followUpTasks.doneAt)))
      .orderBy(s.followUpTasks.dueOn, s.followUpTasks.id)
      .all();
    for (const { patientId, ...task } of open) if (!next.has(patientId)) next.set(patientId, task);
  }

  return {
    rows: selected.map(({ row, reasons }) => ({
      row,
      reasons,
      missedAt: missed.get(row.pumpId) ?? null,
      lastAttempt: last.get(row.patientId) ?? null,
      nextFollowUp: next.get(row.patientId) ?? null,
    })),
    timeZone: clinic.timeZone,
    today,
  };
}

// ---- Attendance answers ----

export interface AttendanceRequestDto {
  id: number;
  appointmentId: number;
  startsAt: number;
  patientId: number;
  patientName: string;
  phone: string;
  note: string;
  respondedAt: number;
}

/** Requests for another time that nobody has dealt with yet, oldest first: the front desk's queue. */
export function attendanceRequestQueue(db: Reader, clinicId: number): AttendanceRequestDto[] {
  const l = s.attendanceLinks;
  return db
    .select({
      id: l.id,
      appointmentId: l.appointmentId,
      startsAt: s.appointments.startsAt,
      patientId: s.patients.id,
      patientName: sql<string>`${s.patients.familyName} || ', ' || ${s.patients.givenName}`,
      phone: s.patients.phone,
      note: l.note,
      respondedAt: sql<number>`${l.respondedAt}`,
    })
    .from(l)
    .innerJoin(s.appointments, eq(s.appointments.id, l.appointmentId))
    .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
    .innerJoin(s.patients, and(eq(s.patients.id, s.pumps.patientId), eq(s.patients.clinicId, clinicId)))
    .where(and(eq(l.clinicId, clinicId), eq(l.response, 'another-time'), isNull(l.handledAt)))
    .orderBy(l.respondedAt, l.id)
    .all();
}

export interface AppointmentAttendance {
  response: AttendanceResponse;
  respondedAt: number;
  note: string;
  handledAt: number | null;
}

/** The patient's answer for each of these appointments, for the time the appointment is now booked at. */
export function attendanceForAppointments(db: Reader, appointmentIds: number[]): Map<number, AppointmentAttendance> {
  const map = new Map<number, AppointmentAttendance>();
  if (appointmentIds.length === 0) return map;
  const l = s.attendanceLinks;
  const rows = db
    .select({ appointmentId: l.appointmentId, response: l.response, respondedAt: l.respondedAt, note: l.note, handledAt: l.handledAt })
    .from(l)
    .innerJoin(s.appointments, and(eq(s.appointments.id, l.appointmentId), eq(s.appointments.startsAt, l.appointmentStartsAt)))
    .where(and(inArray(l.appointmentId, appointmentIds), sql`${l.response} is not null`))
    .orderBy(l.respondedAt)
    .all();
  for (const r of rows) if (r.response && r.respondedAt != null) map.set(r.appointmentId, { response: r.response, respondedAt: r.respondedAt, note: r.note, handledAt: r.handledAt });
  return map;
}

export type AttendanceLinkView =
  | { state: 'unknown' }
  | { state: 'no-longer-valid'; timeZone: string; phone: string }
  | { state: 'open' | 'answered'; startsAt: number; timeZone: string; phone: string; response: AttendanceResponse | null };

/**
 * What the patient's page may show for a token: the appointment time and the clinic's phone, nothing else (no name,
 * no clinic name, no drug). A link is valid until the appointment starts, while it is booked at the time it was
 * issued for; an answered link shows the answer and takes no other.
 */
export function attendanceLinkView(db: Reader, token: string, now: number): AttendanceLinkView {
  const l = s.attendanceLinks;
  const row = db
    .select({
      appointmentStartsAt: l.appointmentStartsAt,
      expiresAt: l.expiresAt,
      response: l.response,
      status: s.appointments.status,
      startsAt: s.appointments.startsAt,
      timeZone: s.clinics.timeZone,
      phoneOffice: s.clinics.phoneOffice,
      phone24h: s.clinics.phone24h,
    })
    .from(l)
    .innerJoin(s.appointments, eq(s.appointments.id, l.appointmentId))
    .innerJoin(s.clinics, eq(s.clinics.id, l.clinicId))
    .where(eq(l.tokenHash, hashToken(token)))
    .get();
  if (!row) return { state: 'unknown' };
  const phone = row.phoneOffice || row.phone24h;
  if (now >= row.expiresAt || row.status !== 'booked' || row.startsAt !== row.appointmentStartsAt) return { state: 'no-longer-valid', timeZone: row.timeZone, phone };
  return { state: row.response ? 'answered' : 'open', startsAt: row.startsAt, timeZone: row.timeZone, phone, response: row.response };
}
