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
import { hashFeedToken, REPLACED_FEED_GRACE_DAYS } from '@/db/queries/feeds';
import { feedEtag, OVERDUE_ENTRY_DAYS } from '@/lib/ical';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { GET, HEAD } = await import('./route');
const feedApi = await import('@/app/api/v1/patients/[id]/feed/route');
const consentApi = await import('@/app/api/v1/patients/[id]/feed/first-name/route');

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

  it('is served as text/calendar with a strong ETag of its bytes, Last-Modified and private caching, never indexed or referred', async () => {
    const r = await fetchFeed(`${token}.ics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(r.headers.get('etag')).toBe(feedEtag(r.body as string));
    expect(r.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const lastModified = Date.parse(r.headers.get('last-modified')!);
    expect(lastModified).toBeLessThanOrEqual(now + 60_000);
    expect(r.headers.get('cache-control')).toBe('private, max-age=300, no-transform');
    expect(r.headers.get('vary')).toBe('Accept-Encoding');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('x-robots-tag')).toContain('noindex');
    // Without scripts/server.mjs (next dev) there is no framing: plain, and no private headers.
    expect(r.headers.get('x-pump-framing-content-length')).toBeNull();
  });

  it('behind scripts/server.mjs names the exact length, and gzips with its own strong ETag when asked', async () => {
    const framing = { 'x-pump-server-framing': '1' };
    const plain = await fetchFeed(`${token}.ics`, { headers: { ...framing, 'accept-encoding': 'identity' } });
    expect(plain.headers.get('x-pump-framing-content-length')).toBe(String(Buffer.byteLength(plain.body as string)));
    expect(plain.headers.get('x-pump-framing-content-encoding')).toBeNull();
    const gz = await fetchFeed(`${token}.ics`, { headers: { ...framing, 'accept-encoding': 'gzip, br' } });
    expect(gz.headers.get('x-pump-framing-content-encoding')).toBe('gzip');
    expect(gz.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    expect(gz.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await fetchFeed(`${token}.ics`, { headers: { ...framing, 'accept-encoding': 'gzip', 'if-none-match': gz.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(gz.headers.get('etag'));
    // The plain body's ETag does not revalidate the gzip representation (a 304 would name bytes the client lacks).
    const cross = await fetchFeed(`${token}.ics`, { headers: { ...framing, 'accept-encoding': 'gzip', 'if-none-match': plain.headers.get('etag')! } });
    expect(cross.status).toBe(200);
  });

  it('parses with ical.js into the booked appointment and the current cycle', async () => {
    const { events } = parse((await fetchFeed(`${token}.ics`)).body as string);
    const due = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, fx.pump.id)).get()!;
    const overdue = [...events.keys()].filter((uid) => uid.startsWith(`overdue-${fx.pump.id}-${fx.visit.id}-`));
    expect(overdue).toHaveLength(OVERDUE_ENTRY_DAYS);
    expect([...events.keys()].filter((uid) => !overdue.includes(uid)).sort()).toEqual(
      [`appointment-${appointment.id}@${HOST}`, `refill-due-${fx.pump.id}-${fx.visit.id}@${HOST}`, `alarm-${fx.pump.id}-${fx.visit.id}@${HOST}`].sort(),
    );
    expect(events.get(`appointment-${appointment.id}@${HOST}`)).toMatchObject({ start: appointment.startsAt, status: 'CONFIRMED', summary: 'Pump refill appointment' });
    expect(events.get(`refill-due-${fx.pump.id}-${fx.visit.id}@${HOST}`)).toMatchObject({ start: due.refillDueOn, summary: 'Pump refill due by this date' });
  });

  it('carries no MRN, surname, date of birth, drug, dose or concentration; the first name only with the patient’s consent', async () => {
    const forbidden = [fx.patient.mrn, fx.patient.familyName, fx.patient.givenName, fx.patient.dateOfBirth, 'Lioresal', 'baclofen', 'mcg', 'MRN'];
    const check = (body: string) => {
      const unfolded = body.replace(/\r\n[ \t]/g, '');
      for (const word of forbidden) expect(unfolded.toLowerCase(), word).not.toContain(word.toLowerCase());
      // No quantity with a unit (250 mcg/day, 500 mcg/mL, 20 mL); bare digits occur in times and UIDs.
      expect(unfolded).not.toMatch(/\d\s*(mcg|µg|mg|ml)\b/i);
    };
    check((await fetchFeed(`${token}.ics`)).body as string);

    const consent = (give: boolean, version: number) =>
      call(consentApi.PUT, { method: 'PUT', token: ctx.tokens.nurse, params: { id: String(fx.patient.id) }, body: { consent: give, version } });
    const read = await call(consentApi.GET, { token: ctx.tokens.nurse, params: { id: String(fx.patient.id) } });
    expect(read.body).toMatchObject({ consentedAt: null, firstName: 'Anna' });
    const given = await consent(true, read.body.version as number);
    expect(given.status).toBe(200);
    expect(given.body).toMatchObject({ firstName: 'Anna', recordedByName: expect.any(String), consentedAt: expect.any(Number) });
    expect((await consent(false, read.body.version as number)).status).toBe(409); // stale version
    const named = (await fetchFeed(`${token}.ics`)).body as string;
    expect(parse(named).events.get(`appointment-${appointment.id}@${HOST}`)?.summary).toBe('Anna: Pump refill appointment');
    const withdrawn = await consent(false, given.body.version as number);
    expect(withdrawn.body.consentedAt).toBeNull();
    check((await fetchFeed(`${token}.ics`)).body as string);
    forbidden.splice(forbidden.indexOf('Anna'), 1);
    check(named);
    // Front desk cannot record it (feeds:manage), another clinic's nurse cannot reach the patient.
    const desk = await call(consentApi.PUT, { method: 'PUT', token: ctx.tokens['front-desk'], params: { id: String(fx.patient.id) }, body: { consent: true, version: 1 } });
    expect(desk.status).toBe(403);
    const foreign = await call(consentApi.PUT, { method: 'PUT', token: ctx.tokens.otherClinicNurse, params: { id: String(fx.patient.id) }, body: { consent: true, version: 1 } });
    expect(foreign.status).toBe(404);
    const bad = await consent('yes' as unknown as boolean, 1);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('consent must be true');
  });

  it('audits each change of the first-name consent with what it was before; the same answer again writes nothing; a stale version names the record', async () => {
    const p = feedPatient(ctx.db, { clinicId: ctx.clinic.id, now, mrn: 'MRN-884299', givenName: 'Ben', familyName: 'Okafor' });
    const put = (consent: boolean, version: number) =>
      call(consentApi.PUT, { method: 'PUT', token: ctx.tokens.nurse, params: { id: String(p.patient.id) }, body: { consent, version } });
    const audits = () =>
      ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entityId, String(p.patient.id))).all().filter((a) => a.entity === 'patient-feed-first-name-consent');
    const v0 = (await call(consentApi.GET, { token: ctx.tokens.nurse, params: { id: String(p.patient.id) } })).body.version as number;
    const none = await put(false, v0);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ consentedAt: null, version: v0 });
    expect(audits()).toHaveLength(0);
    const given = await put(true, v0);
    expect(given.body.version).toBe(v0 + 1);
    expect(audits()).toEqual([
      expect.objectContaining({ action: 'update', before: { consentedAt: null }, after: { consentedAt: given.body.consentedAt } }),
    ]);
    const again = await put(true, given.body.version as number);
    expect(again.body).toMatchObject({ version: given.body.version, consentedAt: given.body.consentedAt });
    expect(audits()).toHaveLength(1);
    await put(false, given.body.version as number);
    expect(audits()[1]).toMatchObject({ action: 'update', before: { consentedAt: given.body.consentedAt }, after: { consentedAt: null } });
    const stale = await put(true, v0);
    expect(stale.status).toBe(409);
    expect(JSON.stringify(stale.body)).toContain('This patient record was changed by someone else');
  });

  it('answers 304 with no body to a matching If-None-Match (strong, weak form, in a list, or *)', async () => {
    const first = await fetchFeed(`${token}.ics`);
    const etag = first.headers.get('etag')!;
    // If-None-Match compares weakly: a client that adds W/ still matches.
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const r = await fetchFeed(`${token}.ics`, { headers: { 'if-none-match': inm } });
      expect(r.status, inm).toBe(304);
      expect(r.body, inm).toBeNull();
      expect(r.headers.get('etag')).toBe(etag);
      expect(r.headers.get('cache-control')).toBe('private, max-age=300, no-transform');
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
    for (const h of ['content-type', 'etag', 'last-modified', 'cache-control', 'vary', 'referrer-policy', 'x-robots-tag']) {
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

  it('answers 304 after a recompute that moved no date (computed_at alone changed), and records the sync', async () => {
    const first = await fetchFeed(`${token}.ics`);
    ctx.db.update(s.pumpForecasts).set({ computedAt: Date.now() + 3_600_000 }).where(eq(s.pumpForecasts.pumpId, fx.pump.id)).run();
    const again = await fetchFeed(`${token}.ics`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const status = await call(feedApi.GET, { token: ctx.tokens.nurse, params: { id: String(fx.patient.id) } });
    expect(status.body.lastFetchedAt).toEqual(expect.any(Number));
  });

  it('raises the SEQUENCE of the due-date events when the stored forecast dates change', async () => {
    const uid = `refill-due-${fx.pump.id}-${fx.visit.id}@${HOST}`;
    const before = parse((await fetchFeed(`${token}.ics`)).body as string).events.get(uid)!;
    ctx.db
      .update(s.pumpForecasts)
      .set({ refillDueOn: '2099-01-01', computedAt: Date.now(), datesChangedAt: Date.now() })
      .where(eq(s.pumpForecasts.pumpId, fx.pump.id))
      .run();
    const after = parse((await fetchFeed(`${token}.ics`)).body as string).events.get(uid)!;
    expect(after.start).toBe('2099-01-01');
    expect(after.sequence).toBeGreaterThan(before.sequence);
  });
});

describe('a link that does not work', () => {
  it('serves a revoked link, for the grace period, a calendar with one "link replaced" entry and no appointments', async () => {
    const revoked = await rotate();
    const del = await call(feedApi.DELETE, { method: 'DELETE', token: ctx.tokens.nurse, params: { id: String(fx.patient.id) } });
    expect(del.status).toBe(200);
    const r = await fetchFeed(`${revoked}.ics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const { events } = parse(r.body as string);
    expect([...events.values()].map((e) => e.summary)).toEqual(['This calendar link was replaced – ask your clinic for the new one']);
    expect(r.body as string).not.toContain('Anna');
    const again = await fetchFeed(`${revoked}.ics`, { headers: { 'if-none-match': r.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('answers unknown, malformed and long-revoked tokens with the same 404 (status, headers, body)', async () => {
    const revoked = await rotate();
    const del = await call(feedApi.DELETE, { method: 'DELETE', token: ctx.tokens.nurse, params: { id: String(fx.patient.id) } });
    expect(del.status).toBe(200);
    // Revoked 31 days ago: past the grace period.
    ctx.db
      .update(s.feedTokens)
      .set({ revokedAt: Date.now() - (REPLACED_FEED_GRACE_DAYS + 1) * DAY_MS })
      .where(eq(s.feedTokens.tokenHash, hashFeedToken(revoked)))
      .run();

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

  it('stops the old link at once when the link is rotated: it serves only the "link replaced" entry', async () => {
    const old = await rotate();
    expect((await fetchFeed(`${old}.ics`)).status).toBe(200);
    const current = await rotate();
    const stale = parse((await fetchFeed(`${old}.ics`)).body as string).events;
    expect([...stale.keys()]).toEqual([expect.stringMatching(/^feed-replaced-patient-\d+@/)]);
    const fresh = parse((await fetchFeed(`${current}.ics`)).body as string).events;
    expect(fresh.has(`appointment-${appointment.id}@${HOST}`)).toBe(true);
  });

  it("does not let another clinic's nurse rotate this patient's link", async () => {
    const current = await rotate();
    const r = await call(feedApi.POST, { method: 'POST', token: ctx.tokens.otherClinicNurse, params: { id: String(fx.patient.id) }, body: { replaces: null } });
    expect(r.status).toBe(404);
    expect((await fetchFeed(`${current}.ics`)).status).toBe(200);
  });
});
