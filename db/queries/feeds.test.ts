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
    expect(resolvePatientFeedToken(db, hashFeedToken(first.token))).toEqual({ clinicId: clinic.id, patientId: patient.id });

    const second = rotateFeedToken(db, actor, owner, first.status.tokenId, NOW + 1000);
    expect(resolvePatientFeedToken(db, hashFeedToken(first.token))).toBeNull();
    expect(resolvePatientFeedToken(db, hashFeedToken(second.token))).not.toBeNull();
    expect(feedStatus(db, owner)).toEqual(second.status);
    const active = db.select().from(s.feedTokens).all().filter((t) => t.revokedAt == null);
    expect(active.map((t) => t.id)).toEqual([second.status.tokenId]);

    revokeFeedToken(db, actor, owner, NOW + 2000);
    expect(resolvePatientFeedToken(db, hashFeedToken(second.token))).toBeNull();
    expect(feedStatus(db, owner)).toEqual({ active: false, tokenId: null, createdAt: null });

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
    expect(resolveClinicFeedToken(db, hashFeedToken(c.token))).toEqual({ clinicId: clinic.id, userId: actor.id });
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
        sequence: 60, // computed one minute after the refill
      },
    ]);
    expect(input.patient).toEqual({ id: patient.id, firstName: null });
    expect(input.clinic).toMatchObject({ id: clinic.id, timeZone: 'America/Chicago', phone24h: clinic.phone24h });
  });

  it('shows the first word of the given name only when the clinic enables it', () => {
    const { patient } = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'M1', givenName: '  Anna Maria ' });
    const load = () => loadPatientFeed(db, { clinicId: clinic.id, patientId: patient.id }, NOW, HOST).input.patient;
    expect(load().firstName).toBeNull();
    db.update(s.clinics).set({ feedShowsFirstName: true }).where(eq(s.clinics.id, clinic.id)).run();
    expect(load().firstName).toBe('Anna');
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
  it('rises with every recomputation of the forecast within a cycle, and is 0 at the refill', () => {
    const refill = NOW - 10 * DAY_MS;
    const seq = (computedAt: number) => dueDateSequence({ computedAt, cycleStartedAt: refill });
    expect(seq(refill)).toBe(0);
    expect(seq(refill - 5000)).toBe(0);
    expect(seq(refill + 1000)).toBeGreaterThan(seq(refill));
    expect(seq(refill + 2 * DAY_MS)).toBeGreaterThan(seq(refill + DAY_MS));
    // Fits a signed 32-bit integer for a cycle of over 60 years.
    expect(seq(refill + 60 * 365 * DAY_MS)).toBeLessThan(2 ** 31);
  });
});

describe('clinic feed data', () => {
  it('names patients by initials and MRN and keeps to the window (30 days back, 180 ahead)', () => {
    const inWindow = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: '100234', givenName: 'jane', familyName: 'Doe' });
    const overdue = feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'OVERDUE', dueInDays: -40, alarmInDays: -25 });
    feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'OLD', dueInDays: -50, alarmInDays: -35 });
    feedPatient(db, { clinicId: clinic.id, now: NOW, mrn: 'FAR', dueInDays: 181, alarmInDays: 190 });
    const other = createClinic(db, { name: 'Other' });
    const foreign = feedPatient(db, { clinicId: other.id, now: NOW, mrn: 'FOREIGN' });
    const soon = feedAppointment(db, inWindow.pump.id, NOW + 3 * DAY_MS);
    feedAppointment(db, inWindow.pump.id, NOW + 185 * DAY_MS);
    feedAppointment(db, foreign.pump.id, NOW + 3 * DAY_MS);

    const { input } = loadClinicFeed(db, clinic.id, NOW, HOST);
    expect(input.dueDates.map((d) => d.mrn).sort()).toEqual(['100234', 'OVERDUE']);
    expect(input.dueDates.find((d) => d.mrn === '100234')).toMatchObject({ patientInitials: 'J.D.', pumpId: inWindow.pump.id });
    expect(input.dueDates.find((d) => d.mrn === 'OVERDUE')?.pumpId).toBe(overdue.pump.id);
    expect(input.appointments).toEqual([expect.objectContaining({ id: soon.id, mrn: '100234', patientInitials: 'J.D.' })]);
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
