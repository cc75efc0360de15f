/** Managing a patient's calendar link through the JSON API: permissions, clinic isolation, rotation, audit. */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { feedPatient, type FeedPatientFixture } from '@/db/queries/feeds.test-helpers';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const route = await import('./route');

let ctx: ApiTestContext;
let fx: FeedPatientFixture;
const now = Date.now();

beforeAll(() => {
  ctx = setupApiTest();
  fx = feedPatient(ctx.db, { clinicId: ctx.clinic.id, now, mrn: 'API-1' });
});

const params = () => ({ id: String(fx.patient.id) });
const status = (token: string) => call(route.GET, { token, params: params() });
const rotate = (token: string, replaces: unknown) => call(route.POST, { method: 'POST', token, params: params(), body: { replaces } });
const revoke = (token: string) => call(route.DELETE, { method: 'DELETE', token, params: params() });
const activeTokens = () =>
  ctx.db.select().from(s.feedTokens).where(and(eq(s.feedTokens.patientId, fx.patient.id))).all().filter((t) => t.revokedAt == null);

describe('patient feed link API', () => {
  it('creates a link once: https and webcal addresses and a QR code, never stored or shown again', async () => {
    expect((await status(ctx.tokens.nurse)).body).toEqual({ active: false, tokenId: null, createdAt: null, lastFetchedAt: null });
    const r = await rotate(ctx.tokens.nurse, null);
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const { url, webcalUrl, qrSvgDataUrl } = r.body.link as { url: string; webcalUrl: string; qrSvgDataUrl: string };
    expect(url).toMatch(/^http:\/\/localhost:3000\/feeds\/patients\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(webcalUrl).toBe(url.replace(/^http:/, 'webcal:'));
    const svg = Buffer.from(qrSvgDataUrl.replace('data:image/svg+xml;base64,', ''), 'base64').toString('utf8');
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(r.body.feed).toMatchObject({ active: true, tokenId: expect.any(Number) });

    const later = await status(ctx.tokens.nurse);
    expect(later.body).toEqual(r.body.feed);
    const token = /([A-Za-z0-9_-]{43})\.ics$/.exec(url)![1]!;
    expect(JSON.stringify(later.body)).not.toContain(token);
    expect(JSON.stringify(later.body)).not.toContain(activeTokens()[0]!.tokenHash);
  });

  it('rotates: a new link, the old one revoked in the same write, one active link, and an audit row', async () => {
    const before = (await status(ctx.tokens.physician)).body;
    const r = await rotate(ctx.tokens.physician, before.tokenId);
    expect(r.status).toBe(201);
    expect(r.body.feed.tokenId).not.toBe(before.tokenId);
    expect(activeTokens().map((t) => t.id)).toEqual([r.body.feed.tokenId]);
    const row = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'rotate')).all().at(-1)!;
    expect(row).toMatchObject({ entity: 'patient-feed', entityId: String(fx.patient.id), actorId: ctx.users.physician.id, clinicId: ctx.clinic.id });
    expect(row.before).toEqual({ tokenId: before.tokenId, createdAt: before.createdAt });
  });

  it('refuses a rotation from a stale page (409) and keeps the current link', async () => {
    const current = (await status(ctx.tokens.nurse)).body;
    const r = await rotate(ctx.tokens.nurse, null);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatch(/changed by someone else/);
    expect(activeTokens().map((t) => t.id)).toEqual([current.tokenId]);
  });

  it('validates the body with a message per field, and writes nothing', async () => {
    const count = ctx.db.select().from(s.feedTokens).all().length;
    for (const replaces of ['1', 1.5, -3, undefined]) {
      const r = await rotate(ctx.tokens.nurse, replaces);
      expect(r.status, String(replaces)).toBe(400);
      expect(r.body.fields.replaces, String(replaces)).toMatch(/replaces/);
    }
    expect(ctx.db.select().from(s.feedTokens).all()).toHaveLength(count);
  });

  it('lets only physicians and nurses manage links (feeds:manage)', async () => {
    for (const role of ['front-desk', 'admin'] as const) {
      expect((await status(ctx.tokens[role])).status, role).toBe(403);
      expect((await rotate(ctx.tokens[role], null)).status, role).toBe(403);
      expect((await revoke(ctx.tokens[role])).status, role).toBe(403);
    }
    expect((await call(route.GET, { params: params() })).status).toBe(401);
  });

  it("treats another clinic's patient, an unknown id and a malformed id as not found", async () => {
    const current = (await status(ctx.tokens.nurse)).body;
    expect((await status(ctx.tokens.otherClinicNurse)).status).toBe(404);
    expect((await rotate(ctx.tokens.otherClinicNurse, current.tokenId)).status).toBe(404);
    expect((await revoke(ctx.tokens.otherClinicNurse)).status).toBe(404);
    expect(activeTokens().map((t) => t.id)).toEqual([current.tokenId]);
    for (const id of ['999999', 'abc', '0', '-1']) {
      expect((await call(route.GET, { token: ctx.tokens.nurse, params: { id } })).status, id).toBe(404);
    }
  });

  it('revokes: no active link afterwards, audited once', async () => {
    const current = (await status(ctx.tokens.nurse)).body;
    const r = await revoke(ctx.tokens.nurse);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ active: false, tokenId: null, createdAt: null, lastFetchedAt: null });
    expect(activeTokens()).toEqual([]);
    const revokes = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'revoke')).all();
    expect(revokes.at(-1)).toMatchObject({ entity: 'patient-feed', entityId: String(fx.patient.id), before: { tokenId: current.tokenId, createdAt: current.createdAt } });
    expect((await revoke(ctx.tokens.nurse)).status).toBe(200);
    expect(ctx.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'revoke')).all()).toHaveLength(revokes.length);
  });
});
