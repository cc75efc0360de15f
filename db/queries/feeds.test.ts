import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/db';
import { localDateOf } from '@/lib/domain/calendar';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { FEED_TOKEN_RE } from '@/lib/validation/feeds';
import type { Db } from '../client';
import { createClinic, DAY_MS } from '../factories';
import * as s from '../schema';
import type { Actor } from './audit';
import {
  databaseChangeMarker,
  dueDateSequence,
  LAST_FETCHED_RESOLUTION_MS,
  recordFeedFetch,
  REPLACED_FEED_GRACE_DAYS,
  resolveReplacedFeedToken,
  feedStatus,
  hashFeedToken,
  initialsOf,
  loadClinicFeed,
  loadPatientFeed,
  newFeedToken,
  patientFeedOwner,
  resolveClinicFeedToken,
  resolvePatientFeedToken,
  revokeFeedToken,
  rotateFeedToken,
  type FeedOwner,
} from './feeds';
import { feedAppointment, feedPatient } from './feeds.test-helpers';
import { recordFeedFirstNameConsent } from '@/lib/clinic/feed-consent';
import ICAL from 'ical.js';
import { buildClinicFeed, buildPatientFeed, feedEtag, renderFeed } from '@/lib/ical';
import { writeTransaction } from '../client';
import { seedClinic } from '../seed';
import { datesChangedAt, refreshForecasts } from './forecasts';

const NOW = Date.parse('2026-03-05T15:00:00Z'); // Thu 5 Mar 2026, 09:00 in Chicago
const HOST = 'pumps.example.org';

let db: Db;
let clinic: s.Clinic;
let actor: Actor;

function addUser(clinicId: number, role: s.StaffRole, banned = false): s.Staff {
  const at = new Date(NOW);
  return db
    .insert(s.users)
    .values({ id: crypto.randomUUID(), name: `A ${role}`, email: `${crypto.randomUUID()}@test.invalid`, role, clinicId, banned, createdAt: at, updatedAt: at })
    .returning()
    .get();
}

beforeEach(() => {
  db = freshDb();
  clinic = createClinic(db, { name: 'Lakeside', timeZone: 'America/Chicago' });
  const nurse = addUser(clinic.id, 'nurse');
  actor = { id: nurse.id, name: nurse.name, clinicId: clinic.id };
});

describe('feed tokens', () => {
  it('are 32 random bytes in base64url, distinct each time', () => {
    const a = newFeedToken();
    const b = newFeedToken();
    expect(a).toMatch(FEED_TOKEN_RE);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('are stored only as a SHA-256 hash, and the audit rows carry neither token nor hash', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    const owner = patientFeedOwner(db, clinic.id, patient.id);
    const { token, status } = rotateFeedToken(db, actor, owner, null, NOW);
    const rows = db.select().from(s.feedTokens).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: status.tokenId, kind: 'patient', patientId: patient.id, userId: null, revokedAt: null });
    expect(rows[0]!.tokenHash).toBe(crypto.createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    const auditRows = JSON.stringify(db.select().from(s.auditLog).all());
    expect(auditRows).not.toContain(token);
    expect(auditRows).not.toContain(rows[0]!.tokenHash);
  });

  it('rotation keeps one active token per patient, revokes the old one at once and is audited', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    const owner = patientFeedOwner(db, clinic.id, patient.id);
    const first = rotateFeedToken(db, actor, owner, null, NOW);
    expect(resolvePatientFeedToken(db, hashFeedToken(first.token))).toEqual({ tokenId: first.status.tokenId, clinicId: clinic.id, patientId: patient.id });

    const second = rotateFeedToken(db, actor, owner, first.status.tokenId, NOW + 1000);
    expect(resolvePatientFeedToken(db, hashFeedToken(first.token))).toBeNull();
    expect(resolvePatientFeedToken(db, hashFeedToken(second.token))).not.toBeNull();
    expect(feedStatus(db, owner)).toEqual(second.status);
    const active = db.select().from(s.feedTokens).all().filter((t) => t.revokedAt == null);
    expect(active.map((t) => t.id)).toEqual([second.status.tokenId]);

    revokeFeedToken(db, actor, owner, NOW + 2000);
    expect(resolvePatientFeedToken(db, hashFeedToken(second.token))).toBeNull();
    expect(feedStatus(db, owner)).toEqual({ active: false, tokenId: null, createdAt: null, lastFetchedAt: null });

    const trail = db.select().from(s.auditLog).all().map((a) => [a.action, a.entity, a.entityId, a.actorId]);
    expect(trail).toEqual([
      ['create', 'patient-feed', String(patient.id), actor.id],
      ['rotate', 'patient-feed', String(patient.id), actor.id],
      ['revoke', 'patient-feed', String(patient.id), actor.id],
    ]);
  });

  it('refuses a rotation based on a stale view (409) and writes nothing', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    const owner = patientFeedOwner(db, clinic.id, patient.id);
    const first = rotateFeedToken(db, actor, owner, null, NOW);
    const before = { tokens: db.select().from(s.feedTokens).all(), audit: db.select().from(s.auditLog).all() };
    expect(() => rotateFeedToken(db, actor, owner, null, NOW)).toThrow(ConflictError);
    expect(() => rotateFeedToken(db, actor, owner, first.status.tokenId! + 99, NOW)).toThrow(ConflictError);
    expect({ tokens: db.select().from(s.feedTokens).all(), audit: db.select().from(s.auditLog).all() }).toEqual(before);
    expect(resolvePatientFeedToken(db, hashFeedToken(first.token))).not.toBeNull();
  });

  it('revoking when nothing is active changes nothing and writes no audit row', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    revokeFeedToken(db, actor, patientFeedOwner(db, clinic.id, patient.id), NOW);
    expect(db.select().from(s.auditLog).all()).toHaveLength(0);
  });

  it("treats another clinic's patient as not found", () => {
    const other = createClinic(db, { name: 'Other', timeZone: 'Europe/Berlin' });
    const { patient } = feedPatient(db, { clinicId: other.id, now: NOW, mrn: 'M1' });
    expect(() => patientFeedOwner(db, clinic.id, patient.id)).toThrow(NotFoundError);
    // Even with a forged owner, the transaction re-checks the clinic.
    const forged: FeedOwner = { kind: 'patient', clinicId: clinic.id, patientId: patient.id };
    expect(() => rotateFeedToken(db, actor, forged, null, NOW)).toThrow(NotFoundError);
    expect(db.select().from(s.feedTokens).all()).toHaveLength(0);
  });

  it('a patient token does not open a clinic feed, nor the other way round', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    const p = rotateFeedToken(db, actor, patientFeedOwner(db, clinic.id, patient.id), null, NOW);
    const c = rotateFeedToken(db, actor, { kind: 'clinic', clinicId: clinic.id, userId: actor.id }, null, NOW);
    expect(resolveClinicFeedToken(db, hashFeedToken(p.token))).toBeNull();
    expect(resolvePatientFeedToken(db, hashFeedToken(c.token))).toBeNull();
    expect(resolveClinicFeedToken(db, hashFeedToken(c.token))).toEqual({ tokenId: c.status.tokenId, clinicId: clinic.id, userId: actor.id });
  });

  it('a clinic token stops working when its owner is disabled, loses feeds:own or leaves the clinic', () => {
    const cases: [string, (id: string) => void][] = [
      ['disabled', (id) => db.update(s.users).set({ banned: true }).where(eq(s.users.id, id)).run()],
      ['now admin', (id) => db.update(s.users).set({ role: 'admin' }).where(eq(s.users.id, id)).run()],
      ['moved', (id) => db.update(s.users).set({ clinicId: createClinic(db, { name: 'X' }).id }).where(eq(s.users.id, id)).run()],
    ];
    for (const [what, change] of cases) {
      const user = addUser(clinic.id, 'front-desk');
      const owner: FeedOwner = { kind: 'clinic', clinicId: clinic.id, userId: user.id };
      const { token } = rotateFeedToken(db, { id: user.id, name: user.name, clinicId: clinic.id }, owner, null, NOW);
      expect(resolveClinicFeedToken(db, hashFeedToken(token)), what).not.toBeNull();
      change(user.id);
      expect(resolveClinicFeedToken(db, hashFeedToken(token)), what).toBeNull();
    }
  });
});

describe('patient feed data', () => {
  it('has the booked and cancelled appointments still to show, and the current cycle from the stored forecast', () => {
    const { patient, pump, visit } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1', dueInDays: 9, alarmInDays: 16 });
    const booked = feedAppointment(db, pump.id, NOW + 5 * DAY_MS);
    const cancelled = feedAppointment(db, pump.id, NOW + 6 * DAY_MS, 'cancelled');
    feedAppointment(db, pump.id, NOW - 20 * DAY_MS, 'done');
    feedAppointment(db, pump.id, NOW + 7 * DAY_MS, 'no-show');
    feedAppointment(db, pump.id, NOW - 10 * DAY_MS); // booked long ago, never closed: not loaded
    // Another patient's appointment must not leak in.
    const other = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M2' });
    feedAppointment(db, other.pump.id, NOW + 5 * DAY_MS);

    const { input } = loadPatientFeed(db, { clinicId: clinic.id, patientId: patient.id }, NOW, HOST);
    expect(input.appointments.map((a) => a.id).sort()).toEqual([booked.id, cancelled.id].sort());
    expect(input.dueDates).toEqual([
      {
        pumpId: pump.id,
        cycleId: visit.id,
        refillDueOn: localDateOf(NOW + 9 * DAY_MS, 'America/Chicago'),
        lowReservoirAlarmOn: localDateOf(NOW + 16 * DAY_MS, 'America/Chicago'),
        lowReservoirAlarmAt: NOW + 16 * DAY_MS,
        emptyAt: NOW + 20 * DAY_MS,
        sequence: 60, // the dates last changed one minute after the refill
      },
    ]);
    expect(input.patient).toEqual({ id: patient.id, firstName: null });
    expect(input.clinic).toMatchObject({ id: clinic.id, timeZone: 'America/Chicago', phone24h: clinic.phone24h });
  });

  it('shows the first word of the given name only with the patient’s recorded consent, and moves DTSTAMP when it changes', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1', givenName: '  Anna Maria ' });
    const load = () => loadPatientFeed(db, { clinicId: clinic.id, patientId: patient.id }, NOW, HOST).input;
    db.update(s.clinics).set({ updatedAt: NOW - 10 * DAY_MS }).run();
    expect(load().patient.firstName).toBeNull(); // no consent recorded: no name (also every feed from before)
    const before = load().stampAt;
    const given = recordFeedFirstNameConsent(db, actor, patient.id, { consent: true, version: patient.version }, NOW - 1000);
    expect(given).toMatchObject({ firstName: 'Anna', consentedAt: NOW - 1000, recordedByName: actor.name, version: patient.version + 1 });
    expect(load().patient.firstName).toBe('Anna');
    expect(load().stampAt).toBeGreaterThan(before);
    // Another clinic's patient is not reachable, and a stale version is a 409 that writes nothing.
    expect(() => recordFeedFirstNameConsent(db, actor, patient.id, { consent: false, version: patient.version }, NOW)).toThrow(ConflictError);
    expect(load().patient.firstName).toBe('Anna');
    const withdrawn = recordFeedFirstNameConsent(db, actor, patient.id, { consent: false, version: given.version }, NOW);
    expect(withdrawn.consentedAt).toBeNull();
    expect(load().patient.firstName).toBeNull();
    expect(load().stampAt).toBe(NOW);
    const audits = db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'patient-feed-first-name-consent')).all();
    expect(audits.map((a) => a.after)).toEqual([{ consentedAt: NOW - 1000 }, { consentedAt: null }]);
  });

  it('refuses consent for a patient of another clinic (404)', () => {
    const other = createClinic(db, { name: 'Other' });
    const { patient } = feedPatient(db, { clinicId: other.id, now: NOW, mrn: 'X1' });
    expect(() => recordFeedFirstNameConsent(db, actor, patient.id, { consent: true, version: patient.version }, NOW)).toThrow(NotFoundError);
  });

  it('takes the latest refill visit as the cycle, so a new refill starts new due-date UIDs', () => {
    const { patient, pump, visit } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    const later = db
      .insert(s.refillVisits)
      .values({ ...visit, id: undefined, performedAt: visit.performedAt + DAY_MS })
      .returning()
      .get();
    const [due] = loadPatientFeed(db, { clinicId: clinic.id, patientId: patient.id }, NOW, HOST).input.dueDates;
    expect(due).toMatchObject({ pumpId: pump.id, cycleId: later.id });
  });

  it('publishes the due date without an alarm date when the forecast has none', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1', alarmInDays: null });
    const [due] = loadPatientFeed(db, { clinicId: clinic.id, patientId: patient.id }, NOW, HOST).input.dueDates;
    expect(due?.lowReservoirAlarmOn).toBeNull();
  });

  it('leaves out explanted pumps', () => {
    const { patient, pump } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    db.update(s.pumps).set({ status: 'explanted' }).where(eq(s.pumps.id, pump.id)).run();
    expect(loadPatientFeed(db, { clinicId: clinic.id, patientId: patient.id }, NOW, HOST).input.dueDates).toEqual([]);
  });

  it('Last-Modified is the latest data change or the end of the booked appointment that just left; validity ends at the next one', () => {
    const { patient, pump } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    const ended = feedAppointment(db, pump.id, NOW - 60 * 60_000); // 30 min long: ended 30 min ago
    const next = feedAppointment(db, pump.id, NOW + 2 * 60 * 60_000);
    const ref = { clinicId: clinic.id, patientId: patient.id };
    db.update(s.clinics).set({ updatedAt: NOW - 10 * DAY_MS }).run();
    db.update(s.appointments).set({ updatedAt: NOW - 3 * DAY_MS }).run();
    let feed = loadPatientFeed(db, ref, NOW, HOST);
    expect(feed.input.stampAt).toBe(NOW - 3 * DAY_MS);
    expect(feed.lastModifiedAt).toBe(ended.startsAt + 30 * 60_000);
    expect(feed.validUntil).toBe(next.startsAt + 30 * 60_000);

    db.update(s.appointments).set({ updatedAt: NOW - 60_000 }).where(eq(s.appointments.id, next.id)).run();
    feed = loadPatientFeed(db, ref, NOW, HOST);
    expect(feed.lastModifiedAt).toBe(NOW - 60_000);
    // A clock that ran ahead when a row was written never puts Last-Modified in the future.
    db.update(s.appointments).set({ updatedAt: NOW + DAY_MS }).where(eq(s.appointments.id, next.id)).run();
    expect(loadPatientFeed(db, ref, NOW, HOST).lastModifiedAt).toBe(NOW);
  });
});

describe('due-date SEQUENCE', () => {
  it('rises with every change of the forecast dates within a cycle, and is 0 at the refill', () => {
    const refill = NOW - 10 * DAY_MS;
    const seq = (datesChangedAt: number) => dueDateSequence({ datesChangedAt, cycleStartedAt: refill });
    expect(seq(refill)).toBe(0);
    expect(seq(refill - 5000)).toBe(0);
    expect(seq(refill + 1000)).toBeGreaterThan(seq(refill));
    expect(seq(refill + 2 * DAY_MS)).toBeGreaterThan(seq(refill + DAY_MS));
    // Fits a signed 32-bit integer for a cycle of over 60 years.
    expect(seq(refill + 60 * 365 * DAY_MS)).toBeLessThan(2 ** 31);
  });
});

describe('clinic feed data', () => {
  it('names patients by initials only and keeps to the 7-day window (overdue pumps of any age included)', () => {
    const inWindow = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: '100234', givenName: 'jane', familyName: 'Doe', dueInDays: 5 });
    const overdue = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'OVERDUE', dueInDays: -400, alarmInDays: -385 });
    feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'LATER', dueInDays: 7, alarmInDays: 14 }); // the 8th day
    const other = createClinic(db, { name: 'Other' });
    const foreign = feedPatient(db, { clinicId: other.id, now: NOW, mrn: 'FOREIGN', dueInDays: 2 });
    const soon = feedAppointment(db, inWindow.pump.id, NOW + 3 * DAY_MS);
    feedAppointment(db, inWindow.pump.id, NOW + 8 * DAY_MS);
    feedAppointment(db, foreign.pump.id, NOW + 3 * DAY_MS);
    db.update(s.pumpForecasts).set({ nextAppointmentId: soon.id, nextAppointmentAt: soon.startsAt }).where(eq(s.pumpForecasts.pumpId, inWindow.pump.id)).run();

    const { input } = loadClinicFeed(db, clinic.id, NOW, HOST);
    expect(input.windowDays).toBe(7);
    expect(input.dueDates.map((d) => d.pumpId).sort()).toEqual([inWindow.pump.id, overdue.pump.id].sort());
    expect(input.dueDates.find((d) => d.pumpId === inWindow.pump.id)).toMatchObject({ patientInitials: 'J.D.', appointment: 'on-time' });
    expect(input.dueDates.find((d) => d.pumpId === overdue.pump.id)).toMatchObject({ appointment: 'none' });
    expect(input.appointments).toEqual([expect.objectContaining({ id: soon.id, patientInitials: 'J.D.' })]);
    expect(JSON.stringify(input)).not.toMatch(/(?<![0-9A-Za-z])100234(?![0-9])/); // as a number of its own: an epoch ms can hold these digits
  });

  it('makes initials from the first letter of each name', () => {
    expect(initialsOf('jane', 'doe')).toBe('J.D.');
    expect(initialsOf('Émile', "O'Brien")).toBe('É.O.');
    expect(initialsOf('', '')).toBe('?');
  });
});

describe('databaseChangeMarker', () => {
  it('changes with every write and stays put across reads', () => {
    const a = databaseChangeMarker(db);
    db.select().from(s.clinics).all();
    expect(databaseChangeMarker(db)).toBe(a);
    db.update(s.clinics).set({ name: 'Renamed' }).where(eq(s.clinics.id, clinic.id)).run();
    expect(databaseChangeMarker(db)).not.toBe(a);
  });
});

describe('feeds that change only when something changed (issue 16, item 7)', () => {
  it('a recompute that moves no date (the hourly refresh, a restart) leaves the patient feed byte-identical', () => {
    const { patient, pump } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    feedAppointment(db, pump.id, NOW + 5 * DAY_MS);
    db.update(s.clinics).set({ updatedAt: NOW - 30 * DAY_MS }).run();
    db.update(s.appointments).set({ updatedAt: NOW - 30 * DAY_MS }).run();
    const ref = { clinicId: clinic.id, patientId: patient.id };
    const body = (at: number) => renderFeed(buildPatientFeed(loadPatientFeed(db, ref, at, HOST).input));
    // The first real forecast replaces the fixture's dates: they changed, so the stamp moves to then.
    writeTransaction(db, (tx) => refreshForecasts(tx, { all: true }, NOW));
    const first = body(NOW + 10 * 60_000);
    const changedAt = db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pump.id)).get()!.datesChangedAt;
    expect(changedAt).toBe(NOW);
    for (const hours of [1, 2, 3]) {
      writeTransaction(db, (tx) => refreshForecasts(tx, { all: true }, NOW + hours * 3_600_000));
      expect(body(NOW + 10 * 60_000)).toBe(first);
      expect(feedEtag(body(NOW + 10 * 60_000))).toBe(feedEtag(first));
    }
    const row = db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pump.id)).get()!;
    expect(row.computedAt).toBe(NOW + 3 * 3_600_000); // it was recomputed
    expect(row.datesChangedAt).toBe(NOW); // but its dates did not move

    // A change that moves the dates (a larger alarm volume: the alarm comes sooner) raises SEQUENCE and DTSTAMP.
    const seqBefore = loadPatientFeed(db, ref, NOW + 4 * 3_600_000, HOST).input.dueDates[0]!.sequence;
    db.update(s.pumps).set({ alarmUl: pump.alarmUl + 1000 }).where(eq(s.pumps.id, pump.id)).run();
    writeTransaction(db, (tx) => refreshForecasts(tx, { pumpIds: [pump.id] }, NOW + 4 * 3_600_000));
    const after = loadPatientFeed(db, ref, NOW + 4 * 3_600_000, HOST).input;
    expect(after.dueDates[0]!.sequence).toBeGreaterThan(seqBefore);
    expect(after.stampAt).toBe(NOW + 4 * 3_600_000);
    expect(body(NOW + 4 * 3_600_000)).not.toBe(first);
  });

  it('keeps dates_changed_at when the stored dates equal the new ones, and starts it now otherwise', () => {
    const stored = { pumpId: 1, refillDueOn: '2026-03-10', lowReservoirAlarmAt: 5, emptyAt: 9, datesChangedAt: 100 };
    const same = { refillDueOn: '2026-03-10', lowReservoirAlarmAt: 5, emptyAt: 9 };
    expect(datesChangedAt(stored, same, 500)).toBe(100);
    expect(datesChangedAt(stored, { ...same, refillDueOn: '2026-03-09' }, 500)).toBe(500);
    expect(datesChangedAt(stored, { ...same, lowReservoirAlarmAt: 6 }, 500)).toBe(500);
    expect(datesChangedAt(stored, { ...same, emptyAt: null }, 500)).toBe(500);
    expect(datesChangedAt(undefined, same, 500)).toBe(500);
  });
});

describe('a replaced link and "last synced" (issue 16, items 8 and 9)', () => {
  it('resolves a rotated or revoked token for the grace period only, and only for its own kind', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    const owner = patientFeedOwner(db, clinic.id, patient.id);
    const first = rotateFeedToken(db, actor, owner, null, NOW);
    const hash = hashFeedToken(first.token);
    expect(resolveReplacedFeedToken(db, 'patient', hash, NOW)).toBeNull(); // still active
    rotateFeedToken(db, actor, owner, first.status.tokenId, NOW + 1000);
    expect(resolvePatientFeedToken(db, hash)).toBeNull();
    expect(resolveReplacedFeedToken(db, 'patient', hash, NOW + 2000)).toEqual({
      tokenId: first.status.tokenId,
      revokedAt: NOW + 1000,
      timeZone: 'America/Chicago',
    });
    expect(resolveReplacedFeedToken(db, 'clinic', hash, NOW + 2000)).toBeNull();
    expect(resolveReplacedFeedToken(db, 'patient', hash, NOW + 1000 + REPLACED_FEED_GRACE_DAYS * DAY_MS)).not.toBeNull();
    expect(resolveReplacedFeedToken(db, 'patient', hash, NOW + 1001 + REPLACED_FEED_GRACE_DAYS * DAY_MS)).toBeNull();
    expect(resolveReplacedFeedToken(db, 'patient', hashFeedToken(newFeedToken()), NOW)).toBeNull();
  });

  it('records the last fetch at most every few minutes, and feedStatus reports it', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1' });
    const owner = patientFeedOwner(db, clinic.id, patient.id);
    const { status } = rotateFeedToken(db, actor, owner, null, NOW);
    expect(feedStatus(db, owner).lastFetchedAt).toBeNull();
    recordFeedFetch(db, status.tokenId!, NOW);
    expect(feedStatus(db, owner).lastFetchedAt).toBe(NOW);
    const marker = databaseChangeMarker(db);
    recordFeedFetch(db, status.tokenId!, NOW + LAST_FETCHED_RESOLUTION_MS - 1);
    expect(feedStatus(db, owner).lastFetchedAt).toBe(NOW);
    expect(databaseChangeMarker(db)).toBe(marker); // no write: the clinic feed cache stays valid
    recordFeedFetch(db, status.tokenId!, NOW + LAST_FETCHED_RESOLUTION_MS + 1);
    expect(feedStatus(db, owner).lastFetchedAt).toBe(NOW + LAST_FETCHED_RESOLUTION_MS + 1);
  });
});

describe('the staff feed at 10,000 pumps (issue 16, item 9)', () => {
  it('stays under 1 MB, has no MRN, and lists the pumps to arrange one entry a day', () => {
    const big = freshDb();
    const { clinicId } = seedClinic(big, { now: NOW, patients: 10_000, name: 'Big clinic' });
    const body = renderFeed(buildClinicFeed(loadClinicFeed(big, clinicId, NOW, HOST).input));
    const bytes = Buffer.byteLength(body, 'utf8');
    expect(bytes).toBeLessThan(1_000_000);
    const mrns = big.select({ mrn: s.patients.mrn }).from(s.patients).limit(200).all();
    expect(mrns).toHaveLength(200);
    // As a word of its own: a six-digit MRN can also be the digits of a timestamp ("T100147Z") or of a phone number.
    const asWord = (text: string) => new RegExp(`(?<![0-9A-Za-z])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
    for (const { mrn } of mrns) expect(body).not.toMatch(asWord(mrn));
    expect(body).not.toContain('MRN');
    const cal = new ICAL.Component(ICAL.parse(body));
    const events = cal.getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('uid')));
    expect(events.filter((u) => u.startsWith('staff-to-arrange-')).length).toBeLessThanOrEqual(7);
    expect(events.some((u) => u.startsWith('staff-appointment-'))).toBe(true);
  }, 300_000); // seeding 10,000 patients: ~10 s on a quiet machine, minutes on a loaded one
});
