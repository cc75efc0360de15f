/**
 * The staff clinic feed over HTTP: who may keep one, what it shows, and the per-clinic cache.
 */
import { and, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import {
  feedAppointment,
  feedPatient,
  moveAppointment,
  type FeedPatientFixture,
} from '@/db/queries/feeds.test-helpers';
import { clearClinicFeedCache } from '@/lib/feeds/serve';
import { call, setupApiTest, type ApiTestContext, type Role } from '@/tests/api';

const { GET, HEAD } = await import('./route');
const meFeed = await import('@/app/api/v1/me/feed/route');
const scopeRoute = await import('@/app/api/v1/me/feed/scope/route');

let ctx: ApiTestContext;
let fx: FeedPatientFixture;
let appointment: s.Appointment;
const now = Math.floor(Date.now() / 60_000) * 60_000;
const HOST = 'localhost:3000';

beforeAll(() => {
  ctx = setupApiTest();
  fx = feedPatient(ctx.db, {
    clinicId: ctx.clinic.id,
    now,
    mrn: 'MRN-100234',
    givenName: 'Jane',
    familyName: 'Doe',
    dueInDays: 5, // inside the staff feed's 7-day window
  });
  appointment = feedAppointment(ctx.db, fx.pump.id, now + 3 * DAY_MS);
  const foreign = feedPatient(ctx.db, {
    clinicId: ctx.otherClinic.id,
    now,
    mrn: 'MRN-FOREIGN',
    givenName: 'Otto',
    familyName: 'Other',
  });
  feedAppointment(ctx.db, foreign.pump.id, now + 3 * DAY_MS);
});

afterEach(() => {
  vi.useRealTimers();
  clearClinicFeedCache();
});

async function myToken(role: Role | 'otherClinicNurse'): Promise<string> {
  const status = await call(meFeed.GET, { token: ctx.tokens[role] });
  const r = await call(meFeed.POST, {
    method: 'POST',
    token: ctx.tokens[role],
    body: { replaces: status.body.tokenId },
  });
  expect(r.status).toBe(201);
  return /\/feeds\/clinics\/([A-Za-z0-9_-]{43})\.ics$/.exec(r.body.link.url as string)![1]!;
}

const fetchFeed = (segment: string, method: 'GET' | 'HEAD' = 'GET', headers?: Record<string, string>) =>
  call(method === 'HEAD' ? HEAD : GET, {
    method,
    url: `/feeds/clinics/${segment}`,
    params: { token: segment },
    headers,
  });

function summaries(body: string): Map<string, { summary: string; start: number | string; sequence: number }> {
  const cal = new ICAL.Component(ICAL.parse(body));
  return new Map(
    cal.getAllSubcomponents('vevent').map((comp) => {
      const e = new ICAL.Event(comp);
      return [
        e.uid,
        {
          summary: e.summary,
          start: e.startDate.isDate ? e.startDate.toString() : e.startDate.toUnixTime() * 1000,
          sequence: e.sequence,
        },
      ];
    }),
  );
}

describe('the clinic feed', () => {
  it("shows this clinic's appointments and pumps to arrange by initials and pump number (no MRN), and nothing of another clinic", async () => {
    const token = await myToken('nurse');
    const r = await fetchFeed(`${token}.ics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    const events = summaries(r.body as string);
    expect(events.get(`staff-appointment-${appointment.id}@${HOST}`)?.summary).toBe(`Refill: J.D. · pump ${fx.pump.id}`);
    const due = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, fx.pump.id)).get()!;
    const arrange = events.get(`staff-to-arrange-${ctx.clinic.id}-${due.refillDueOn.replaceAll('-', '')}@${HOST}`);
    expect(arrange?.summary).toBe('Refills to arrange: 1 pump');
    expect(events.size).toBe(2);
    const body = (r.body as string).replace(/\r\n[ \t]/g, '');
    // The MRN's digits as a number of their own: they can also be those of a timestamp made now ("T100234Z").
    for (const word of ['MRN', 'Doe', 'Jane', 'FOREIGN', 'Lioresal', 'baclofen', 'mcg']) expect(body, word).not.toContain(word);
    expect(body).not.toMatch(/(?<![0-9A-Za-z])100234(?![0-9])/);
  });

  it('is open to every role with feeds:own, each with its own link, but not to admins', async () => {
    const tokens = await Promise.all(
      (['nurse', 'physician', 'front-desk'] as const).map((role) => myToken(role)),
    );
    expect(new Set(tokens).size).toBe(3);
    for (const t of tokens) expect((await fetchFeed(`${t}.ics`)).status).toBe(200);
    expect(
      (await call(meFeed.POST, { method: 'POST', token: ctx.tokens.admin, body: { replaces: null } })).status,
    ).toBe(403);
  });

  it('stops working at once when the owner is disabled, with the same 404 as an unknown link', async () => {
    const token = await myToken('physician');
    expect((await fetchFeed(`${token}.ics`)).status).toBe(200);
    ctx.db.update(s.users).set({ banned: true }).where(eq(s.users.id, ctx.users.physician.id)).run();
    try {
      const disabled = await fetchFeed(`${token}.ics`);
      const unknown = await fetchFeed(`${'Z'.repeat(43)}.ics`);
      expect(disabled.status).toBe(404);
      expect(disabled.body).toBe(unknown.body);
      expect((await fetchFeed(`${token}.ics`, 'HEAD')).status).toBe(404);
    } finally {
      ctx.db.update(s.users).set({ banned: false }).where(eq(s.users.id, ctx.users.physician.id)).run();
    }
  });

  it('stops the old link at once on rotation and on revocation, even while the feed is cached', async () => {
    const replacedOnly = async (token: string) => {
      const r = await fetchFeed(`${token}.ics`);
      expect(r.status).toBe(200);
      return [...summaries(r.body as string).keys()];
    };
    const old = await myToken('nurse');
    expect((await replacedOnly(old)).length).toBeGreaterThan(1);
    const current = await myToken('nurse');
    expect(await replacedOnly(old)).toEqual([expect.stringMatching(/^feed-replaced-clinic-\d+@/)]);
    expect((await replacedOnly(current)).length).toBeGreaterThan(1);
    expect((await call(meFeed.DELETE, { method: 'DELETE', token: ctx.tokens.nurse })).body).toEqual({
      active: false,
      tokenId: null,
      createdAt: null,
      lastFetchedAt: null,
    });
    expect(await replacedOnly(current)).toEqual([expect.stringMatching(/^feed-replaced-clinic-\d+@/)]);
  });

  it('shows "last synced" on the link status once a calendar app fetched it', async () => {
    const token = await myToken('nurse');
    expect((await call(meFeed.GET, { token: ctx.tokens.nurse })).body.lastFetchedAt).toBeNull();
    await fetchFeed(`${token}.ics`);
    expect((await call(meFeed.GET, { token: ctx.tokens.nurse })).body.lastFetchedAt).toEqual(expect.any(Number));
  });

  it('answers 304 to a matching If-None-Match and HEAD without a body', async () => {
    const token = await myToken('nurse');
    const first = await fetchFeed(`${token}.ics`);
    const again = await fetchFeed(`${token}.ics`, 'GET', { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    const head = await fetchFeed(`${token}.ics`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(head.headers.get('vary')).toBe(first.headers.get('vary'));
  });

  it('reuses the cached body for at most 5 minutes after a change, then shows the change', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now());
    const token = await myToken('nurse');
    const first = await fetchFeed(`${token}.ics`);
    const uid = `staff-appointment-${appointment.id}@${HOST}`;
    const movedTo = appointment.startsAt + DAY_MS;
    appointment = moveAppointment(ctx.db, appointment, movedTo, Date.now());

    vi.setSystemTime(Date.now() + 60_000);
    const stale = await fetchFeed(`${token}.ics`);
    expect(stale.headers.get('etag')).toBe(first.headers.get('etag'));

    vi.setSystemTime(Date.now() + 4 * 60_000);
    const fresh = await fetchFeed(`${token}.ics`);
    expect(fresh.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect(summaries(fresh.body as string).get(uid)).toMatchObject({
      start: movedTo,
      sequence: appointment.sequence,
    });
  });

  it('keeps serving its cached body for 5 minutes even when an event ended meanwhile, then rebuilds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Math.floor(Date.now() / 60_000) * 60_000;
    vi.setSystemTime(t0);
    const endsSoon = feedAppointment(ctx.db, fx.pump.id, t0 - 28 * 60_000); // 30 min long: ends at t0 + 2 min
    const token = await myToken('nurse');
    const uid = `staff-appointment-${endsSoon.id}@${HOST}`;
    clearClinicFeedCache();
    const built = await fetchFeed(`${token}.ics`);
    expect(summaries(built.body as string).has(uid)).toBe(true);
    vi.setSystemTime(t0 + 3 * 60_000); // ended a minute ago: the cached body, unchanged
    const cached = await fetchFeed(`${token}.ics`);
    expect(cached.headers.get('etag')).toBe(built.headers.get('etag'));
    vi.setSystemTime(t0 + 5 * 60_000 + 1); // five minutes after the build: rebuilt without it
    expect(summaries((await fetchFeed(`${token}.ics`)).body as string).has(uid)).toBe(false);
  });

  it('drops a booked appointment from the cached feed once it has ended, at most 5 minutes late', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    vi.setSystemTime(start);
    const minute = Math.floor(start / 60_000) * 60_000;
    const shortOne = feedAppointment(ctx.db, fx.pump.id, minute + 60_000); // ends in ~31 min
    const token = await myToken('nurse');
    const uid = `staff-appointment-${shortOne.id}@${HOST}`;
    expect(summaries((await fetchFeed(`${token}.ics`)).body as string).has(uid)).toBe(true);
    vi.setSystemTime(shortOne.startsAt + 30 * 60_000);
    expect(summaries((await fetchFeed(`${token}.ics`)).body as string).has(uid)).toBe(false);
  });
});

describe('"my patients" or the whole clinic (decision 026)', () => {
  it("defaults a managing physician to their own patients; the choice switches the same link at once, audited; a nurse with no patients cannot choose it", async () => {
    const mine = feedPatient(ctx.db, { clinicId: ctx.clinic.id, now, mrn: 'MRN-MINE-1', givenName: 'Maria', familyName: 'Quinn', dueInDays: 4 });
    ctx.db.update(s.patients).set({ managingPhysicianId: ctx.users.physician.id }).where(eq(s.patients.id, mine.patient.id)).run();
    const myAppointment = feedAppointment(ctx.db, mine.pump.id, now + 2 * DAY_MS);
    const othersUid = `staff-appointment-${appointment.id}@${HOST}`;
    const mineUid = `staff-appointment-${myAppointment.id}@${HOST}`;

    const physician = ctx.tokens.physician;
    expect((await call(scopeRoute.GET, { token: physician })).body).toEqual({ scope: 'mine', chosen: false, changedAt: null, managedPatients: 1 });
    const token = await myToken('physician');
    const byDefault = await fetchFeed(`${token}.ics`);
    const parsedDefault = new ICAL.Component(ICAL.parse(byDefault.body as string));
    expect(String(parsedDefault.getFirstPropertyValue('x-wr-calname'))).toMatch(/^Pump refills \(my patients\) – /);
    const own = summaries(byDefault.body as string);
    expect(own.get(mineUid)?.summary).toBe(`Refill: M.Q. · pump ${mine.pump.id}`);
    expect(own.has(othersUid)).toBe(false);
    expect([...own.values()].filter((e) => e.summary.startsWith('Refills to arrange')).map((e) => e.summary)).toEqual(['Refills to arrange: 1 pump']);

    const chosen = await call(scopeRoute.PUT, { method: 'PUT', token: physician, body: { scope: 'clinic' } });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ scope: 'clinic', chosen: true, managedPatients: 1 });
    const whole = await fetchFeed(`${token}.ics`, 'GET', { 'if-none-match': byDefault.headers.get('etag')! });
    expect(whole.status).toBe(200);
    const clinicWide = summaries(whole.body as string);
    expect(clinicWide.has(mineUid)).toBe(true);
    expect(clinicWide.has(othersUid)).toBe(true);
    const audits = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'staff-feed-scope')).all();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: ctx.users.physician.id, action: 'update', entityId: ctx.users.physician.id });
    expect(audits[0]!.before).toEqual({ scope: 'mine', chosen: false });
    expect(audits[0]!.after).toEqual({ scope: 'clinic', chosen: true });

    // Back to "mine": the same link shows only the physician's patients again, with no wait for the cache.
    expect((await call(scopeRoute.PUT, { method: 'PUT', token: physician, body: { scope: 'mine' } })).status).toBe(200);
    const again = summaries((await fetchFeed(`${token}.ics`)).body as string);
    expect(again.has(othersUid)).toBe(false);
    expect(again.has(mineUid)).toBe(true);

    expect((await call(scopeRoute.GET, { token: ctx.tokens.nurse })).body).toMatchObject({ scope: 'clinic', chosen: false, managedPatients: 0 });
    const refused = await call(scopeRoute.PUT, { method: 'PUT', token: ctx.tokens.nurse, body: { scope: 'mine' } });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('managing physician');
    expect((await call(scopeRoute.PUT, { method: 'PUT', token: ctx.tokens.nurse, body: { scope: 'everyone' } })).status).toBe(400);
    expect((await call(scopeRoute.GET, { token: ctx.tokens.admin })).status).toBe(403);
  });

  it('a staff member with no patients may choose the whole clinic; choosing what is already chosen records nothing again', async () => {
    const nurse = ctx.tokens.nurse;
    const choices = () =>
      ctx.db.select().from(s.auditLog).where(and(eq(s.auditLog.entity, 'staff-feed-scope'), eq(s.auditLog.entityId, ctx.users.nurse.id))).all();
    const first = await call(scopeRoute.PUT, { method: 'PUT', token: nurse, body: { scope: 'clinic' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ scope: 'clinic', chosen: true, managedPatients: 0 });
    expect(choices()).toHaveLength(1);
    const again = await call(scopeRoute.PUT, { method: 'PUT', token: nurse, body: { scope: 'clinic' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(choices()).toHaveLength(1);
  });
});
