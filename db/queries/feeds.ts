/**
 * Calendar feed tokens (issue, rotate, revoke, resolve) and the data behind the two feeds, shaped for the pure
 * builder in lib/ical. What the feeds show and why: docs/feeds.md.
 *
 * A token is 32 random bytes (base64url); only its SHA-256 hash is stored, in a column with a unique index.
 * A feed request is resolved with one indexed lookup by that hash, whose conditions (kind, not revoked, owner
 * still allowed) are all in the same query: an unknown, revoked or disabled token is simply "no row", so the
 * route can answer all of them with the same 404 after the same work, and no token is compared in JS.
 */
import crypto from 'node:crypto';
import { and, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { permissions } from '@/lib/auth/permissions';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import type { EpochMs, LocalDate } from '@/lib/domain/types';
import type { StaffFeedScope } from '@/lib/domain/vocabulary';
export type { StaffFeedScopeStatus } from '@/lib/validation/feeds';
import { ConflictError, NotFoundError } from '@/lib/errors';
import type { ClinicFeedInput, FeedAppointment, FeedClinic, FeedDueDate, PatientFeedInput } from '@/lib/ical';
import { FEED_TOKEN_BYTES, type FeedFirstNameConsent, type FeedStatus, type StaffFeedScopeStatus } from '@/lib/validation/feeds';
import { writeTransaction, type Db, type Tx } from '../client';
import * as s from '../schema';
import { hashToken } from '@/lib/token-hash';
import { audit, type Actor } from './audit';

type Read = Pick<Db, 'select'>;

const DAY_MS = 86_400_000;

/**
 * The clinic (staff) feed covers the next 7 clinic-local days, today included: their appointments, and one entry a
 * day for the pumps to arrange (every overdue pump on today's). A phone holds it (issue 16, item 9: at 10,000 pumps
 * the 180-day feed was 12.6 MB; Google is reported to drop subscriptions above about 1 MB); the worklist has the rest.
 */
export const CLINIC_FEED_WINDOW = { days: 7 } as const;

/**
 * A rotated or revoked link serves the "link replaced" calendar for this long, so that subscribed copies drop
 * their stale events (issue 16, item 8); after it, the same 404 as an unknown link.
 */
export const REPLACED_FEED_GRACE_DAYS = 30;

/** last_fetched_at is written at most this often per token: a feed request is a read, not a write per poll. */
export const LAST_FETCHED_RESOLUTION_MS = 5 * 60_000;

// ---------------------------------------------------------------------------------------------------------
// Tokens

/** A new feed token: 32 random bytes, base64url (43 characters, 256 bits). */
export function newFeedToken(): string {
  return crypto.randomBytes(FEED_TOKEN_BYTES).toString('base64url');
}

/** SHA-256 (hex) of a token: what is stored and looked up (the one token hash, lib/token-hash.ts). */
export const hashFeedToken = hashToken;

/** Whose feed a token is: a patient's own, or a staff member's clinic feed. */
export type FeedOwner =
  | { kind: 'patient'; clinicId: number; patientId: number }
  | { kind: 'clinic'; clinicId: number; userId: string };

function ownerCondition(owner: FeedOwner) {
  return and(
    eq(s.feedTokens.kind, owner.kind),
    eq(s.feedTokens.clinicId, owner.clinicId),
    owner.kind === 'patient' ? eq(s.feedTokens.patientId, owner.patientId) : eq(s.feedTokens.userId, owner.userId),
    isNull(s.feedTokens.revokedAt),
  );
}

function auditTarget(owner: FeedOwner): { entity: string; entityId: string | number } {
  return owner.kind === 'patient'
    ? { entity: 'patient-feed', entityId: owner.patientId }
    : { entity: 'clinic-feed', entityId: owner.userId };
}

/** The patient's feed owner, or 404 when the patient is not in this clinic. */
export function patientFeedOwner(db: Read, clinicId: number, patientId: number): FeedOwner {
  const row = db
    .select({ id: s.patients.id })
    .from(s.patients)
    .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such patient.');
  return { kind: 'patient', clinicId, patientId };
}

const NO_FEED: FeedStatus = { active: false, tokenId: null, createdAt: null, lastFetchedAt: null };

export function feedStatus(db: Read, owner: FeedOwner): FeedStatus {
  const row = db
    .select({ id: s.feedTokens.id, createdAt: s.feedTokens.createdAt, lastFetchedAt: s.feedTokens.lastFetchedAt })
    .from(s.feedTokens)
    .where(ownerCondition(owner))
    .orderBy(desc(s.feedTokens.id))
    .get();
  return row ? { active: true, tokenId: row.id, createdAt: row.createdAt, lastFetchedAt: row.lastFetchedAt } : NO_FEED;
}

/**
 * Issues a new token for the owner and revokes the active one in the same transaction: the old address stops
 * working the moment this commits. `replaces` must name the active token (null when there is none), else 409.
 * Returns the token: the only time it exists outside the caller's hands.
 */
export function rotateFeedToken(
  db: Db,
  actor: Actor,
  owner: FeedOwner,
  replaces: number | null,
  now: EpochMs,
): { token: string; status: FeedStatus } {
  const token = newFeedToken();
  const tokenHash = hashFeedToken(token);
  return writeTransaction(db, (tx) => {
    if (owner.kind === 'patient') patientFeedOwner(tx, owner.clinicId, owner.patientId);
    const active = tx
      .select({ id: s.feedTokens.id, createdAt: s.feedTokens.createdAt })
      .from(s.feedTokens)
      .where(ownerCondition(owner))
      .all();
    const current = active.reduce<(typeof active)[number] | null>((a, b) => (a && a.id > b.id ? a : b), null);
    if ((current?.id ?? null) !== replaces) {
      throw new ConflictError(
        current
          ? 'The calendar link was changed by someone else since this page was loaded. Reload to see the current link, then try again.'
          : 'The calendar link was revoked by someone else since this page was loaded. Reload, then try again.',
      );
    }
    // One active token per owner: revoke every active one (normally just `current`).
    if (active.length > 0) tx.update(s.feedTokens).set({ revokedAt: now }).where(ownerCondition(owner)).run();
    const row = tx
      .insert(s.feedTokens)
      .values({
        kind: owner.kind,
        clinicId: owner.clinicId,
        patientId: owner.kind === 'patient' ? owner.patientId : null,
        userId: owner.kind === 'clinic' ? owner.userId : null,
        tokenHash,
        createdAt: now,
      })
      .returning({ id: s.feedTokens.id, createdAt: s.feedTokens.createdAt })
      .get();
    const { entity, entityId } = auditTarget(owner);
    audit(
      tx,
      actor,
      current ? 'rotate' : 'create',
      entity,
      entityId,
      current ? { tokenId: current.id, createdAt: current.createdAt } : null,
      { tokenId: row.id, createdAt: row.createdAt },
    );
    return { token, status: { active: true, tokenId: row.id, createdAt: row.createdAt, lastFetchedAt: null } };
  });
}

/** Revokes the owner's active token (if any): its address answers 404 from the moment this commits. */
export function revokeFeedToken(db: Db, actor: Actor, owner: FeedOwner, now: EpochMs): FeedStatus {
  return writeTransaction(db, (tx) => {
    if (owner.kind === 'patient') patientFeedOwner(tx, owner.clinicId, owner.patientId);
    revokeActiveFeedTokens(tx, actor, owner, now);
    return NO_FEED;
  });
}

/**
 * Inside the caller's write transaction: revokes the owner's active tokens, one 'revoke' audit row each, and
 * returns how many. Disabling a staff account calls it too (db/queries/staff.ts), so re-enabling the account
 * does not bring its old feed address back.
 */
export function revokeActiveFeedTokens(tx: Tx, actor: Actor, owner: FeedOwner, now: EpochMs): number {
  const active = tx.select({ id: s.feedTokens.id, createdAt: s.feedTokens.createdAt }).from(s.feedTokens).where(ownerCondition(owner)).all();
  if (active.length === 0) return 0;
  tx.update(s.feedTokens).set({ revokedAt: now }).where(ownerCondition(owner)).run();
  const { entity, entityId } = auditTarget(owner);
  for (const t of active) audit(tx, actor, 'revoke', entity, entityId, { tokenId: t.id, createdAt: t.createdAt }, null);
  return active.length;
}

/** The clinic's time zone, for showing when a link was created. */
export function clinicTimeZone(db: Read, clinicId: number): string {
  const row = db.select({ timeZone: s.clinics.timeZone }).from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!row) throw new NotFoundError(`Clinic ${clinicId} does not exist.`);
  return row.timeZone;
}

/** What the printed patient handout names: the patient and how to reach the clinic. */
export function feedHandoutDetails(db: Read, clinicId: number, patientId: number) {
  const row = db
    .select({
      givenName: s.patients.givenName,
      familyName: s.patients.familyName,
      clinicName: s.clinics.name,
      phone24h: s.clinics.phone24h,
      phoneOffice: s.clinics.phoneOffice,
      address: s.clinics.address,
    })
    .from(s.patients)
    .innerJoin(s.clinics, eq(s.clinics.id, s.patients.clinicId))
    .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such patient.');
  return row;
}

/**
 * The patient behind a feed token hash, or null for an unknown, revoked or mismatched one (one indexed query).
 */
export function resolvePatientFeedToken(db: Db, tokenHash: string): { tokenId: number; clinicId: number; patientId: number } | null {
  return statementsFor(db).patientToken.get({ tokenHash }) ?? null;
}

/**
 * The clinic behind a staff member's feed token hash, or null for an unknown or revoked token, or one whose
 * owner is disabled (users.banned), has left the clinic or no longer has a role with `feeds:own`.
 */
export function resolveClinicFeedToken(db: Db, tokenHash: string): { tokenId: number; clinicId: number; userId: string } | null {
  return statementsFor(db).clinicToken.get({ tokenHash }) ?? null;
}

/**
 * The staff member's feed scope (decision 026). Without a recorded choice: "mine" when they are the managing
 * physician of at least one patient of the clinic, else the whole clinic. (Nurses have no patients assigned in this
 * app, so their default is the clinic.) Two prepared lookups: on the feed's hot path.
 */
export function staffFeedScope(db: Db, clinicId: number, userId: string): StaffFeedScopeStatus {
  const statements = statementsFor(db);
  const managedPatients = Number(statements.managedPatients.get({ clinicId, userId })?.n ?? 0);
  const row = statements.feedScope.get({ userId });
  if (row) return { scope: row.scope, chosen: true, changedAt: row.updatedAt, managedPatients };
  return { scope: managedPatients > 0 ? 'mine' : 'clinic', chosen: false, changedAt: null, managedPatients };
}

/** A token of this kind revoked (by rotation or revocation) within the grace period before `now`, or null. */
export function resolveReplacedFeedToken(
  db: Db,
  kind: 'patient' | 'clinic',
  tokenHash: string,
  now: EpochMs,
): { tokenId: number; revokedAt: EpochMs; timeZone: string } | null {
  const row = statementsFor(db).replacedToken.get({ tokenHash, kind, since: now - REPLACED_FEED_GRACE_DAYS * DAY_MS });
  return row && row.revokedAt != null ? { tokenId: row.tokenId, revokedAt: row.revokedAt, timeZone: row.timeZone } : null;
}

/**
 * Records that a calendar app fetched the feed ("last synced" on /me/feed and the patient's page). At most one
 * write per token every LAST_FETCHED_RESOLUTION_MS, so polling does not turn every feed read into a write (nor
 * invalidate the clinic feed cache, which watches for writes, more often than that).
 */
export function recordFeedFetch(db: Db, tokenId: number, now: EpochMs): void {
  statementsFor(db).touchToken.run({ tokenId, now, before: now - LAST_FETCHED_RESOLUTION_MS });
}

/**
 * The feed's hot path as prepared statements, one set per connection: building a drizzle query costs about a
 * millisecond, running a prepared one a few microseconds, and calendar apps poll every feed all day.
 */
function prepareStatements(db: Db) {
  const p = sql.placeholder;
  return {
    patientToken: db
      .select({ tokenId: s.feedTokens.id, clinicId: s.patients.clinicId, patientId: s.patients.id })
      .from(s.feedTokens)
      .innerJoin(s.patients, and(eq(s.patients.id, s.feedTokens.patientId), eq(s.patients.clinicId, s.feedTokens.clinicId)))
      .where(and(eq(s.feedTokens.tokenHash, p('tokenHash')), eq(s.feedTokens.kind, 'patient'), isNull(s.feedTokens.revokedAt)))
      .prepare(),
    clinicToken: db
      .select({ tokenId: s.feedTokens.id, clinicId: s.feedTokens.clinicId, userId: s.users.id })
      .from(s.feedTokens)
      .innerJoin(s.users, and(eq(s.users.id, s.feedTokens.userId), eq(s.users.clinicId, s.feedTokens.clinicId)))
      .where(
        and(
          eq(s.feedTokens.tokenHash, p('tokenHash')),
          eq(s.feedTokens.kind, 'clinic'),
          isNull(s.feedTokens.revokedAt),
          sql`coalesce(${s.users.banned}, 0) = 0`,
          inArray(s.users.role, [...permissions['feeds:own']]),
        ),
      )
      .prepare(),
    replacedToken: db
      .select({ tokenId: s.feedTokens.id, revokedAt: s.feedTokens.revokedAt, timeZone: s.clinics.timeZone })
      .from(s.feedTokens)
      .innerJoin(s.clinics, eq(s.clinics.id, s.feedTokens.clinicId))
      .where(
        and(
          eq(s.feedTokens.tokenHash, p('tokenHash')),
          eq(s.feedTokens.kind, p('kind')),
          gte(s.feedTokens.revokedAt, p('since')),
        ),
      )
      .prepare(),
    touchToken: db
      .update(s.feedTokens)
      .set({ lastFetchedAt: sql`${p('now')}` })
      .where(
        and(
          eq(s.feedTokens.id, p('tokenId')),
          or(isNull(s.feedTokens.lastFetchedAt), lt(s.feedTokens.lastFetchedAt, p('before'))),
        ),
      )
      .prepare(),
    clinic: db.select(clinicColumns).from(s.clinics).where(eq(s.clinics.id, p('clinicId'))).prepare(),
    feedScope: db
      .select({ scope: s.staffFeedSettings.scope, updatedAt: s.staffFeedSettings.updatedAt })
      .from(s.staffFeedSettings)
      .where(eq(s.staffFeedSettings.userId, p('userId')))
      .prepare(),
    managedPatients: db
      .select({ n: sql<number>`count(*)` })
      .from(s.patients)
      .where(and(eq(s.patients.clinicId, p('clinicId')), eq(s.patients.managingPhysicianId, p('userId'))))
      .prepare(),
    patient: db
      .select({
        id: s.patients.id,
        givenName: s.patients.givenName,
        updatedAt: s.patients.updatedAt,
        firstNameConsentedAt: s.patients.feedFirstNameConsentedAt,
        firstNameConsentChangedAt: s.patients.feedFirstNameConsentChangedAt,
      })
      .from(s.patients)
      .where(and(eq(s.patients.id, p('patientId')), eq(s.patients.clinicId, p('clinicId'))))
      .prepare(),
    patientAppointments: db
      .select(appointmentColumns)
      .from(s.appointments)
      .where(
        and(
          inArray(s.appointments.pumpId, db.select({ id: s.pumps.id }).from(s.pumps).where(eq(s.pumps.patientId, p('patientId')))),
          inArray(s.appointments.status, ['booked', 'cancelled']),
          gte(s.appointments.startsAt, p('from')),
        ),
      )
      .prepare(),
    patientDueDates: db
      .select(dueDateColumns)
      .from(s.pumpForecasts)
      .innerJoin(s.pumps, eq(s.pumps.id, s.pumpForecasts.pumpId))
      .innerJoin(s.refillVisits, eq(s.refillVisits.id, latestVisitId))
      .where(and(eq(s.pumps.patientId, p('patientId')), eq(s.pumps.status, 'active'), eq(s.pumpForecasts.clinicId, p('clinicId'))))
      .prepare(),
  };
}

const preparedByConnection = new WeakMap<Db, ReturnType<typeof prepareStatements>>();

function statementsFor(db: Db): ReturnType<typeof prepareStatements> {
  let statements = preparedByConnection.get(db);
  if (!statements) {
    statements = prepareStatements(db);
    preparedByConnection.set(db, statements);
  }
  return statements;
}

// ---------------------------------------------------------------------------------------------------------
// Feed data

/**
 * A feed's builder input plus what HTTP caching needs: `lastModifiedAt` (the latest change in the data, or
 * the latest moment an event left the feed as time passed) and `validUntil` (the next moment one will).
 */
export interface LoadedFeed<T> {
  input: T;
  lastModifiedAt: EpochMs;
  validUntil: EpochMs;
}

const clinicColumns = {
  id: s.clinics.id,
  name: s.clinics.name,
  timeZone: s.clinics.timeZone,
  phone24h: s.clinics.phone24h,
  address: s.clinics.address,
  updatedAt: s.clinics.updatedAt,
};

function loadClinic(db: Db, clinicId: number) {
  const row = statementsFor(db).clinic.get({ clinicId });
  if (!row) throw new NotFoundError(`Clinic ${clinicId} does not exist.`);
  const clinic: FeedClinic = { id: row.id, name: row.name, timeZone: row.timeZone, phone24h: row.phone24h, address: row.address };
  return { clinic, updatedAt: row.updatedAt };
}

/** Start of a clinic-local day as an instant. */
function startOfDay(date: LocalDate, timeZone: string): EpochMs {
  return localDateTimeToInstant(date, '00:00', timeZone);
}

const appointmentColumns = {
  id: s.appointments.id,
  pumpId: s.appointments.pumpId,
  startsAt: s.appointments.startsAt,
  durationMinutes: s.appointments.durationMinutes,
  type: s.appointments.type,
  status: s.appointments.status,
  sequence: s.appointments.sequence,
  updatedAt: s.appointments.updatedAt,
};

/** The refill visit that started the pump's current cycle: the latest by time, as the forecast uses. */
const latestVisitId = sql`(select rv.id from refill_visits rv where rv.pump_id = ${s.pumpForecasts.pumpId} order by rv.performed_at desc, rv.id desc limit 1)`;

const dueDateColumns = {
  pumpId: s.pumpForecasts.pumpId,
  refillDueOn: s.pumpForecasts.refillDueOn,
  lowReservoirAlarmAt: s.pumpForecasts.lowReservoirAlarmAt,
  emptyAt: s.pumpForecasts.emptyAt,
  datesChangedAt: s.pumpForecasts.datesChangedAt,
  cycleId: s.refillVisits.id,
  cycleStartedAt: s.refillVisits.performedAt,
};

type DueDateRow = {
  pumpId: number;
  refillDueOn: string;
  lowReservoirAlarmAt: number | null;
  emptyAt: number | null;
  datesChangedAt: number;
  cycleId: number;
  cycleStartedAt: number;
};

/**
 * SEQUENCE of a cycle's due-date events: whole seconds from the refill that started the cycle to the last change
 * of the forecast's dates (pump_forecasts.dates_changed_at). Every write that can move the dates (program change,
 * pump edit, clinic policy, discrepancy) recomputes the forecast in its transaction, so the number rises with every
 * change that moves them and never falls within a cycle; a recomputation that moves nothing (the hourly refresh, a
 * restart) leaves it, and the feed byte for byte, as it was (issue 16, item 7). A new refill starts a new cycle,
 * and with it new UIDs.
 */
export function dueDateSequence(row: Pick<DueDateRow, 'datesChangedAt' | 'cycleStartedAt'>): number {
  return Math.max(0, Math.floor((row.datesChangedAt - row.cycleStartedAt) / 1000));
}

function toDueDate(row: DueDateRow, timeZone: string): FeedDueDate {
  return {
    pumpId: row.pumpId,
    cycleId: row.cycleId,
    refillDueOn: row.refillDueOn,
    lowReservoirAlarmOn: row.lowReservoirAlarmAt == null ? null : localDateOf(row.lowReservoirAlarmAt, timeZone),
    lowReservoirAlarmAt: row.lowReservoirAlarmAt,
    emptyAt: row.emptyAt,
    sequence: dueDateSequence(row),
  };
}

function toAppointment(row: FeedAppointment): FeedAppointment {
  return {
    id: row.id,
    pumpId: row.pumpId,
    startsAt: row.startsAt,
    durationMinutes: row.durationMinutes,
    type: row.type,
    status: row.status,
    sequence: row.sequence,
    updatedAt: row.updatedAt,
  };
}

/**
 * When the shown set of appointments last changed, and next will, just because time passed: a booked
 * appointment leaves the feed when it ends, a cancelled one at the end of its clinic-local day (the builder's
 * rule), and the clinic window moves at midnight.
 */
function timeBoundaries(appointments: FeedAppointment[], now: EpochMs, today: LocalDate, timeZone: string) {
  let passed = startOfDay(today, timeZone);
  let next = startOfDay(addDaysToLocalDate(today, 1), timeZone);
  for (const a of appointments) {
    if (a.status !== 'booked') continue;
    const end = a.startsAt + a.durationMinutes * 60_000;
    if (end <= now) passed = Math.max(passed, end);
    else next = Math.min(next, end);
  }
  return { passed, next };
}

/** Initials for the staff feed: `J.D.` from Jane Doe (first letter of each name). */
export function initialsOf(givenName: string, familyName: string): string {
  const first = (name: string) => {
    const letter = [...name.trim()][0];
    return letter ? `${letter.toLocaleUpperCase('en')}.` : '';
  };
  return first(givenName) + first(familyName) || '?';
}

/** The patient's consent to their first name in their feed, with who recorded it. 404 outside the clinic. */
export function feedFirstNameConsent(db: Read, clinicId: number, patientId: number): FeedFirstNameConsent {
  const row = db
    .select({
      patientId: s.patients.id,
      version: s.patients.version,
      givenName: s.patients.givenName,
      consentedAt: s.patients.feedFirstNameConsentedAt,
      recordedByName: s.users.name,
    })
    .from(s.patients)
    .leftJoin(s.users, eq(s.users.id, s.patients.feedFirstNameConsentRecordedById))
    .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such patient.');
  const { givenName, ...rest } = row;
  return { ...rest, firstName: feedFirstName(givenName) };
}

/** The first name as a patient feed may show it: the first word of the given name. */
export function feedFirstName(givenName: string): string | null {
  const word = givenName.trim().split(/\s+/)[0];
  return word ? word : null;
}

/**
 * A patient's own feed: every booked appointment that has not ended and every cancelled one from the start of
 * today (the builder drops the rest), on any of the patient's pumps, and the current cycle's due dates of each
 * active pump from the stored forecast. Nothing else about the patient is loaded.
 */
export function loadPatientFeed(
  db: Db,
  ref: { clinicId: number; patientId: number },
  now: EpochMs,
  host: string,
): LoadedFeed<PatientFeedInput> {
  const statements = statementsFor(db);
  const { clinic, updatedAt: clinicUpdatedAt } = loadClinic(db, ref.clinicId);
  const patient = statements.patient.get(ref);
  if (!patient) throw new NotFoundError('No such patient.');
  const today = localDateOf(now, clinic.timeZone);
  // Two days back covers today's cancelled appointments in any zone; the builder applies the exact rule.
  const appointments = statements.patientAppointments.all({ patientId: patient.id, from: now - 2 * DAY_MS }).map(toAppointment);
  const dueRows = statements.patientDueDates.all({ patientId: patient.id, clinicId: ref.clinicId });

  // The first name only with the patient's own recorded consent (issue 16, item 10).
  const consented = patient.firstNameConsentedAt != null;
  const firstName = consented ? feedFirstName(patient.givenName) : null;
  const stampAt = Math.max(
    clinicUpdatedAt,
    patient.firstNameConsentChangedAt ?? 0,
    consented ? patient.updatedAt : 0,
    ...appointments.map((a) => a.updatedAt),
    ...dueRows.map((d) => d.datesChangedAt),
  );
  const { passed, next } = timeBoundaries(appointments, now, today, clinic.timeZone);
  return {
    input: {
      clinic,
      now,
      stampAt,
      host,
      patient: { id: patient.id, firstName },
      appointments,
      dueDates: dueRows.map((r) => toDueDate(r, clinic.timeZone)),
    },
    // Never later than now (RFC 9110 8.8.2), even if a clock was ahead when a row was written.
    lastModifiedAt: Math.min(now, Math.max(stampAt, passed)),
    validUntil: next,
  };
}

/**
 * The clinic's staff feed within CLINIC_FEED_WINDOW: booked and (today's) cancelled appointments of the window, and
 * the current cycle of every active pump due by its last day (overdue ones of any age included) with whether its next
 * appointment is on time, patients named by initials only.
 */
export function loadClinicFeed(
  db: Db,
  clinicId: number,
  now: EpochMs,
  host: string,
  /**
   * Whose feed: with scope "mine", only the patients whose managing physician this staff member is; the whole clinic
   * otherwise (and without a viewer).
   */
  viewer: { userId: string; scope: StaffFeedScope; changedAt: EpochMs | null } | null = null,
): LoadedFeed<ClinicFeedInput> {
  const { clinic, updatedAt: clinicUpdatedAt } = loadClinic(db, clinicId);
  const scope: StaffFeedScope = viewer?.scope ?? 'clinic';
  const mine = viewer && scope === 'mine' ? eq(s.patients.managingPhysicianId, viewer.userId) : undefined;
  const tz = clinic.timeZone;
  const today = localDateOf(now, tz);
  const lastDay = addDaysToLocalDate(today, CLINIC_FEED_WINDOW.days - 1);
  const windowEnd = startOfDay(addDaysToLocalDate(lastDay, 1), tz);

  const appointmentRows = db
    .select({
      ...appointmentColumns,
      givenName: s.patients.givenName,
      familyName: s.patients.familyName,
      patientUpdatedAt: s.patients.updatedAt,
    })
    .from(s.appointments)
    .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(
      and(
        eq(s.patients.clinicId, clinicId),
        mine,
        inArray(s.appointments.status, ['booked', 'cancelled']),
        // Two days back covers today's cancelled appointments in any zone; the builder applies the exact rule.
        gte(s.appointments.startsAt, now - 2 * DAY_MS),
        lt(s.appointments.startsAt, windowEnd),
      ),
    )
    .all();

  const dueRows = db
    .select({
      ...dueDateColumns,
      nextAppointmentId: s.pumpForecasts.nextAppointmentId,
      appointmentLate: s.pumpForecasts.appointmentLate,
      givenName: s.patients.givenName,
      familyName: s.patients.familyName,
      patientUpdatedAt: s.patients.updatedAt,
    })
    .from(s.pumpForecasts)
    .innerJoin(s.pumps, eq(s.pumps.id, s.pumpForecasts.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.refillVisits, eq(s.refillVisits.id, latestVisitId))
    .where(
      and(
        eq(s.pumpForecasts.clinicId, clinicId),
        eq(s.patients.clinicId, clinicId),
        mine,
        eq(s.pumps.status, 'active'),
        sql`${s.pumpForecasts.refillDueOn} <= ${lastDay}`,
      ),
    )
    .all();

  const label = (r: { givenName: string; familyName: string }) => ({ patientInitials: initialsOf(r.givenName, r.familyName) });
  const appointments = appointmentRows.map((r) => ({ ...toAppointment(r), ...label(r) }));
  // A change of scope changes the events: their DTSTAMP follows it.
  let stampAt = Math.max(clinicUpdatedAt, viewer?.changedAt ?? 0);
  for (const r of appointmentRows) stampAt = Math.max(stampAt, r.updatedAt, r.patientUpdatedAt);
  for (const r of dueRows) stampAt = Math.max(stampAt, r.datesChangedAt, r.patientUpdatedAt);
  const { passed, next } = timeBoundaries(appointments, now, today, tz);
  return {
    input: {
      clinic,
      now,
      stampAt,
      host,
      windowDays: CLINIC_FEED_WINDOW.days,
      scope,
      appointments,
      dueDates: dueRows.map((r) => ({
        ...toDueDate(r, tz),
        ...label(r),
        appointment: r.nextAppointmentId == null ? ('none' as const) : r.appointmentLate ? ('late' as const) : ('on-time' as const),
      })),
    },
    // Never later than now (RFC 9110 8.8.2), even if a clock was ahead when a row was written.
    lastModifiedAt: Math.min(now, Math.max(stampAt, passed)),
    validUntil: next,
  };
}

/**
 * A cheap marker of "has anything been written since": rows changed through this process's connection plus
 * commits by other connections (a restore, the seed CLI). Equal markers mean the database did not change.
 */
export function databaseChangeMarker(db: Db): string {
  const own = db.$client.prepare('select total_changes() as n').pluck().get() as number;
  const others = db.$client.pragma('data_version', { simple: true }) as number;
  return `${own}:${others}`;
}

