/**
 * The patient feed over HTTP: headers, conditional requests, HEAD, the one 404, rotation and revocation,
 * minimal health information, and event identity across changes. Parsed back with ical.js.
 */
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { feedAppointment, feedPatient, moveAppointment, type FeedPatientFixture } from '@/db/queries/feeds.test-helpers';
import { feedEtag } from '@/lib/ical';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { GET, HEAD } = await import('./route');
const feedApi = await import('@/app/api/v1/patients/[id]/feed/route');

let ctx: ApiTestContext;
let fx: FeedPatientFixture;
let appointment: s.Appointment;
const now = Math.floor(Date.now() / 60_000) * 60_000; // whole minutes, as appointments are booked
const HOST = 'localhost:3000';

beforeAll(() => {
  ctx = setupApiTest();
  fx = feedPatient(ctx.db, { clinicId: ctx.clinic.id, now, mrn: 'MRN-884211', givenName: 'Anna', familyName: 'Zielinski' });
  appointment = feedAppointment(ctx.db, fx.pump.id, now + 5 * DAY_MS);
});

/** Issues (or rotates) the patient's link through the API, as a nurse; returns the token. */
async function rotate(): Promise<string> {
  const status = await call(feedApi.GET, { token: ctx.tokens.nurse, params: { id: String(fx.patient.id) } });
  const r = await call(feedApi.POST, {
    method: 'POST',
    token: ctx.tokens.nurse,
    params: { id: String(fx.patient.id) },
    body: { replaces: status.body.tokenId },
  });
  expect(r.status).toBe(201);
  return /\/feeds\/patients\/([A-Za-z0-9_-]{43})\.ics$/.exec(r.body.link.url as string)![1]!;
}

function fetchFeed(segment: string, options: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {}) {
  const handler = options.method === 'HEAD' ? HEAD : GET;
  return call(handler, { method: options.method ?? 'GET', url: `/feeds/patients/${segment}`, params: { token: segment }, headers: options.headers });
}

interface Parsed {
  name: string;
  events: Map<string, { sequence: number; start: number | string; summary: string; status: string | null }>;
}

function parse(body: string): Parsed {
  const cal = new ICAL.Component(ICAL.parse(body));
  const events: Parsed['events'] = new Map();
  for (const comp of cal.getAllSubcomponents('vevent')) {
    const e = new ICAL.Event(comp);
    events.set(e.uid, {
      sequence: e.sequence,
      start: e.startDate.isDate ? e.startDate.toString() : e.startDate.toUnixTime() * 1000,
      summary: e.summary,
      status: comp.hasProperty('status') ? String(comp.getFirstPropertyValue('status')) : null,
    });
  }
  return { name: String(cal.getFirstPropertyValue('x-wr-calname')), events };
}

describe('a working patient feed', () => {
  let token: string;
  beforeAll(async () => {
    token = await rotate();
  });

  it('is served as text/calendar with a strong ETag, Last-Modified and private caching, never indexed or referred', async () => {
    const r = await fetchFeed(`${token}.ics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(r.headers.get('etag')).toBe(feedEtag(r.body as string));
    expect(r.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const lastModified = Date.parse(r.headers.get('last-modified')!);
    expect(lastModified).toBeLessThanOrEqual(now + 60_000);
    expect(r.headers.get('cache-control')).toBe('private, max-age=300');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('x-robots-tag')).toContain('noindex');
    expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(r.body as string)));
  });

  it('parses with ical.js into the booked appointment and the current cycle', async () => {
    const { events } = parse((await fetchFeed(`${token}.ics`)).body as string);
    const due = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, fx.pump.id)).get()!;
    expect([...events.keys()].sort()).toEqual(
      [`appointment-${appointment.id}@${HOST}`, `refill-due-${fx.pump.id}-${fx.visit.id}@${HOST}`, `alarm-${fx.pump.id}-${fx.visit.id}@${HOST}`].sort(),
    );
    expect(events.get(`appointment-${appointment.id}@${HOST}`)).toMatchObject({ start: appointment.startsAt, status: 'CONFIRMED', summary: 'Pump refill appointment' });
    expect(events.get(`refill-due-${fx.pump.id}-${fx.visit.id}@${HOST}`)).toMatchObject({ start: due.refillDueOn, summary: 'Pump refill due by this date' });
  });

  it('carries no MRN, surname, date of birth, drug, dose or concentration; the first name only when the clinic allows it', async () => {
    const forbidden = [fx.patient.mrn, fx.patient.familyName, fx.patient.givenName, fx.patient.dateOfBirth, 'Lioresal', 'baclofen', 'mcg', 'MRN'];
    const check = (body: string) => {
      const unfolded = body.replace(/\r\n[ \t]/g, '');
      for (const word of forbidden) expect(unfolded.toLowerCase(), word).not.toContain(word.toLowerCase());
      // No quantity with a unit (250 mcg/day, 500 mcg/mL, 20 mL); bare digits occur in times and UIDs.
      expect(unfolded).not.toMatch(/\d\s*(mcg|µg|mg|ml)\b/i);
    };
    check((await fetchFeed(`${token}.ics`)).body as string);

    ctx.db.update(s.clinics).set({ feedShowsFirstName: true }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    try {
      const body = (await fetchFeed(`${token}.ics`)).body as string;
      expect(parse(body).events.get(`appointment-${appointment.id}@${HOST}`)?.summary).toBe('Anna: Pump refill appointment');
      forbidden.splice(forbidden.indexOf('Anna'), 1);
      check(body);
    } finally {
      ctx.db.update(s.clinics).set({ feedShowsFirstName: false }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    }
  });

  it('answers 304 with no body to a matching If-None-Match (strong, weak, in a list, or *)', async () => {
    const first = await fetchFeed(`${token}.ics`);
    const etag = first.headers.get('etag')!;
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const r = await fetchFeed(`${token}.ics`, { headers: { 'if-none-match': inm } });
      expect(r.status, inm).toBe(304);
      expect(r.body, inm).toBeNull();
      expect(r.headers.get('etag')).toBe(etag);
      expect(r.headers.get('cache-control')).toBe('private, max-age=300');
    }
    expect((await fetchFeed(`${token}.ics`, { headers: { 'if-none-match': '"something-else"' } })).status).toBe(200);
  });

  it('answers 304 to an If-Modified-Since not older than Last-Modified, unless If-None-Match differs', async () => {
    const first = await fetchFeed(`${token}.ics`);
    const lastModified = first.headers.get('last-modified')!;
    expect((await fetchFeed(`${token}.ics`, { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await fetchFeed(`${token}.ics`, { headers: { 'if-modified-since': earlier } })).status).toBe(200);
    expect((await fetchFeed(`${token}.ics`, { headers: { 'if-modified-since': 'not a date' } })).status).toBe(200);
    const both = { 'if-modified-since': lastModified, 'if-none-match': '"other"' };
    expect((await fetchFeed(`${token}.ics`, { headers: both })).status).toBe(200);
  });

  it('answers HEAD with the same headers and no body', async () => {
    const get = await fetchFeed(`${token}.ics`);
    const head = await fetchFeed(`${token}.ics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    for (const h of ['content-type', 'etag', 'last-modified', 'cache-control', 'content-length', 'referrer-policy', 'x-robots-tag']) {
      expect(head.headers.get(h), h).toBe(get.headers.get(h));
    }
  });

  it('keeps the UID of a moved appointment and publishes a higher SEQUENCE, with a new ETag', async () => {
    const before = await fetchFeed(`${token}.ics`);
    const uid = `appointment-${appointment.id}@${HOST}`;
    const old = parse(before.body as string).events.get(uid)!;
    const movedTo = appointment.startsAt + 2 * DAY_MS;
    appointment = moveAppointment(ctx.db, appointment, movedTo, Date.now());
    const after = await fetchFeed(`${token}.ics`, { headers: { 'if-none-match': before.headers.get('etag')! } });
    expect(after.status).toBe(200);
    const moved = parse(after.body as string).events.get(uid)!;
    expect(moved.start).toBe(movedTo);
    expect(moved.sequence).toBeGreaterThan(old.sequence);
  });

  it('raises the SEQUENCE of the due-date events when the stored forecast is recomputed', async () => {
    const uid = `refill-due-${fx.pump.id}-${fx.visit.id}@${HOST}`;
    const before = parse((await fetchFeed(`${token}.ics`)).body as string).events.get(uid)!;
    ctx.db
      .update(s.pumpForecasts)
      .set({ refillDueOn: '2099-01-01', computedAt: Date.now() })
      .where(eq(s.pumpForecasts.pumpId, fx.pump.id))
      .run();
    const after = parse((await fetchFeed(`${token}.ics`)).body as string).events.get(uid)!;
    expect(after.start).toBe('2099-01-01');
    expect(after.sequence).toBeGreaterThan(before.sequence);
  });
});

describe('a link that does not work', () => {
  it('answers unknown, malformed and revoked tokens with the same 404 (status, headers, body)', async () => {
    const revoked = await rotate();
    const del = await call(feedApi.DELETE, { method: 'DELETE', token: ctx.tokens.nurse, params: { id: String(fx.patient.id) } });
    expect(del.status).toBe(200);

    const segments = [
      `${revoked}.ics`, // revoked
      `${'A'.repeat(43)}.ics`, // well-formed, unknown
      revoked, // no suffix
      `${revoked}.ICS`,
      `${revoked}.ics.ics`,
      `${revoked.slice(1)}.ics`, // too short
      `${revoked}x.ics`, // too long
      `${revoked.slice(0, 42)}+.ics`, // not base64url
      '..%2F..%2Fetc%2Fpasswd.ics',
      '.ics',
    ];
    const answers = await Promise.all(segments.map((seg) => fetchFeed(seg)));
    const shape = (r: (typeof answers)[number]) => ({
      status: r.status,
      body: r.body,
      headers: [...r.headers.entries()].filter(([k]) => k !== 'date'),
    });
    const expected = shape(answers[0]!);
    expect(expected.status).toBe(404);
    expect(expected.body).toContain('This calendar link does not work');
    expect(expected.headers).toContainEqual(['cache-control', 'no-store']);
    for (const [i, r] of answers.entries()) expect(shape(r), segments[i]).toEqual(expected);

    const head = await fetchFeed(`${revoked}.ics`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.body).toBeNull();
  });

  it('stops the old link at once when the link is rotated', async () => {
    const old = await rotate();
    expect((await fetchFeed(`${old}.ics`)).status).toBe(200);
    const current = await rotate();
    expect((await fetchFeed(`${old}.ics`)).status).toBe(404);
    expect((await fetchFeed(`${current}.ics`)).status).toBe(200);
  });

  it("does not let another clinic's nurse rotate this patient's link", async () => {
    const current = await rotate();
    const r = await call(feedApi.POST, { method: 'POST', token: ctx.tokens.otherClinicNurse, params: { id: String(fx.patient.id) }, body: { replaces: null } });
    expect(r.status).toBe(404);
    expect((await fetchFeed(`${current}.ics`)).status).toBe(200);
  });
});
