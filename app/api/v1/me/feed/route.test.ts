/** A staff member's own clinic-feed link through the JSON API. */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const route = await import('./route');

let ctx: ApiTestContext;

beforeAll(() => {
  ctx = setupApiTest();
});

const activeFor = (userId: string) =>
  ctx.db.select().from(s.feedTokens).where(eq(s.feedTokens.userId, userId)).all().filter((t) => t.revokedAt == null);

describe('my clinic feed link API', () => {
  it('creates, rotates and revokes my own link, with an audit row each time', async () => {
    expect((await call(route.GET, { token: ctx.tokens['front-desk'] })).body).toEqual({ active: false, tokenId: null, createdAt: null, lastFetchedAt: null });
    const created = await call(route.POST, { method: 'POST', token: ctx.tokens['front-desk'], body: { replaces: null } });
    expect(created.status).toBe(201);
    expect(created.body.link.url).toMatch(/^http:\/\/localhost:3000\/feeds\/clinics\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(created.body.link.webcalUrl).toMatch(/^webcal:\/\/localhost:3000\/feeds\/clinics\//);
    const rotated = await call(route.POST, { method: 'POST', token: ctx.tokens['front-desk'], body: { replaces: created.body.feed.tokenId } });
    expect(rotated.status).toBe(201);
    expect(rotated.body.link.url).not.toBe(created.body.link.url);
    expect(activeFor(ctx.users['front-desk'].id).map((t) => t.id)).toEqual([rotated.body.feed.tokenId]);
    expect(activeFor(ctx.users['front-desk'].id)[0]).toMatchObject({ kind: 'clinic', clinicId: ctx.clinic.id, patientId: null });
    expect((await call(route.DELETE, { method: 'DELETE', token: ctx.tokens['front-desk'] })).status).toBe(200);
    expect(activeFor(ctx.users['front-desk'].id)).toEqual([]);
    const trail = ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entityId, ctx.users['front-desk'].id))
      .all()
      .map((a) => [a.action, a.entity]);
    expect(trail).toEqual([
      ['create', 'clinic-feed'],
      ['rotate', 'clinic-feed'],
      ['revoke', 'clinic-feed'],
    ]);
  });

  it("never touches a colleague's link", async () => {
    const nurse = await call(route.POST, { method: 'POST', token: ctx.tokens.nurse, body: { replaces: null } });
    const physician = await call(route.POST, { method: 'POST', token: ctx.tokens.physician, body: { replaces: null } });
    expect(physician.status).toBe(201);
    await call(route.DELETE, { method: 'DELETE', token: ctx.tokens.physician });
    expect(activeFor(ctx.users.nurse.id).map((t) => t.id)).toEqual([nurse.body.feed.tokenId]);
  });

  it('refuses a stale rotation (409) and an admin (no feeds:own, 403)', async () => {
    const current = (await call(route.GET, { token: ctx.tokens.nurse })).body;
    expect(current.active).toBe(true);
    expect((await call(route.POST, { method: 'POST', token: ctx.tokens.nurse, body: { replaces: null } })).status).toBe(409);
    expect((await call(route.GET, { token: ctx.tokens.admin })).status).toBe(403);
    expect((await call(route.POST, { method: 'POST', token: ctx.tokens.admin, body: { replaces: null } })).status).toBe(403);
    expect((await call(route.GET, {})).status).toBe(401);
  });

  it('refuses a cross-site browser request to rotate', async () => {
    const r = await call(route.POST, {
      method: 'POST',
      body: { replaces: null },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(r.status).toBe(403);
  });
});
