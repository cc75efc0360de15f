/**
 * Server-side authorization of the JSON API: tokens, roles, clinic isolation, cross-site refusal, and
 * what never leaves the server. (The full route × role matrix from docs/security.md runs in e2e/security.spec.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createPatient, createPump, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from './api';

const { GET: pumpForecast } = await import('@/app/api/v1/pumps/[id]/forecast/route');
const { GET: worklist } = await import('@/app/api/v1/worklist/route');
const staffRoute = await import('@/app/api/v1/staff/route');
const tokensRoute = await import('@/app/api/v1/me/tokens/route');
const { DELETE: revokeTokenRoute } = await import('@/app/api/v1/me/tokens/[id]/route');
const { GET: auditExport } = await import('@/app/api/v1/audit/export/route');
const { refreshForecasts } = await import('@/db/queries/forecasts');

let ctx: ApiTestContext;
let pumpId: number;
const now = Date.now();

beforeAll(() => {
  ctx = setupApiTest();
  const model = ctx.catalog.models.get('8637-20')!;
  const drug = ctx.catalog.drugs.get('Lioresal Intrathecal')!;
  const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'SEC-1', givenName: '<img src=x onerror=alert(1)>', familyName: 'Doe' });
  pumpId = createPump(ctx.db, {
    patientId: patient.id,
    model,
    serial: 'S-1',
    implantedOn: '2025-01-01',
    program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
    filledAt: now - 10 * DAY_MS,
    fillMl: 20,
  }).pump.id;
  refreshForecasts(ctx.db, { pumpIds: [pumpId] }, now);
});

describe('authentication', () => {
  it('refuses a request without a session or token (401)', async () => {
    const r = await call(worklist, { url: '/api/v1/worklist' });
    expect(r.status).toBe(401);
  });

  it('refuses an unknown token (401)', async () => {
    const r = await call(worklist, { url: '/api/v1/worklist', token: 'pat_not-a-real-token' });
    expect(r.status).toBe(401);
  });

  it('refuses a token once it is revoked', async () => {
    const created = await call(tokensRoute.POST, { method: 'POST', token: ctx.tokens.nurse, body: { name: 'integration' } });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await call(worklist, { url: '/api/v1/worklist', token })).status).toBe(200);
    const revoked = await call(revokeTokenRoute, { method: 'DELETE', token: ctx.tokens.nurse, params: { id: String(created.body.id) } });
    expect(revoked.status).toBe(200);
    expect((await call(worklist, { url: '/api/v1/worklist', token })).status).toBe(401);
  });

  it('stores only a hash of each token', async () => {
    const created = await call(tokensRoute.POST, { method: 'POST', token: ctx.tokens.nurse, body: { name: 'hash check' } });
    const rows = ctx.db.select({ hash: s.apiTokens.tokenHash }).from(s.apiTokens).all();
    expect(rows.some((r) => r.hash === created.body.token)).toBe(false);
    const listed = await call(tokensRoute.GET, { token: ctx.tokens.nurse });
    const text = JSON.stringify(listed.body);
    expect(text).not.toMatch(/tokenHash|[0-9a-f]{64}/);
    expect(text).not.toContain(created.body.token);
  });

  it('a disabled account loses its tokens at once', async () => {
    const created = await call(staffRoute.POST, { method: 'POST', token: ctx.tokens.admin, body: { name: 'Temp Nurse', email: 'temp.nurse@test.invalid', role: 'nurse', password: 'correct horse battery' } });
    expect(created.status).toBe(201);
    const user = ctx.db.select().from(s.users).where(eq(s.users.email, 'temp.nurse@test.invalid')).get()!;
    ctx.db.insert(s.apiTokens).values({ userId: user.id, name: 't', tokenHash: (await import('node:crypto')).createHash('sha256').update('pat_temp').digest('hex') }).run();
    expect((await call(worklist, { url: '/api/v1/worklist', token: 'pat_temp' })).status).toBe(200);
    const { PATCH } = await import('@/app/api/v1/staff/[id]/route');
    const disabled = await call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, params: { id: user.id }, body: { disabled: true, expectedUpdatedAt: user.updatedAt.getTime() } });
    expect(disabled.status).toBe(200);
    expect((await call(worklist, { url: '/api/v1/worklist', token: 'pat_temp' })).status).toBe(401);
  });

  it("disabling an account revokes its clinic feed link for good (audited); re-enabling does not bring it back", async () => {
    const { hashFeedToken, resolveClinicFeedToken, rotateFeedToken } = await import('@/db/queries/feeds');
    const created = await call(staffRoute.POST, { method: 'POST', token: ctx.tokens.admin, body: { name: 'Feed Nurse', email: 'feed.nurse@test.invalid', role: 'nurse', password: 'correct horse battery' } });
    expect(created.status).toBe(201);
    const user = ctx.db.select().from(s.users).where(eq(s.users.email, 'feed.nurse@test.invalid')).get()!;
    const owner = { kind: 'clinic' as const, clinicId: ctx.clinic.id, userId: user.id };
    const { token, status } = rotateFeedToken(ctx.db, { id: user.id, name: user.name, clinicId: ctx.clinic.id }, owner, null, Date.now());
    expect(resolveClinicFeedToken(ctx.db, hashFeedToken(token))).toEqual({ tokenId: status.tokenId, clinicId: ctx.clinic.id, userId: user.id });

    const { PATCH } = await import('@/app/api/v1/staff/[id]/route');
    const disabled = await call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, params: { id: user.id }, body: { disabled: true, expectedUpdatedAt: user.updatedAt.getTime() } });
    expect(disabled.status).toBe(200);
    expect(resolveClinicFeedToken(ctx.db, hashFeedToken(token))).toBeNull();
    const revokedRow = ctx.db.select().from(s.feedTokens).where(eq(s.feedTokens.id, status.tokenId!)).get()!;
    expect(revokedRow.revokedAt).not.toBeNull();
    const trail = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entityId, user.id)).all();
    expect(trail.filter((a) => a.entity === 'clinic-feed' && a.action === 'revoke').map((a) => a.actorId)).toEqual([ctx.users.admin.id]);

    const enabled = await call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, params: { id: user.id }, body: { disabled: false, expectedUpdatedAt: ctx.db.select().from(s.users).where(eq(s.users.id, user.id)).get()!.updatedAt.getTime() } });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    expect(resolveClinicFeedToken(ctx.db, hashFeedToken(token))).toBeNull();
  });
});

describe('roles', () => {
  it('only admins manage staff', async () => {
    for (const role of ['physician', 'nurse', 'front-desk'] as const) {
      expect((await call(staffRoute.GET, { token: ctx.tokens[role] })).status).toBe(403);
    }
    expect((await call(staffRoute.GET, { token: ctx.tokens.admin })).status).toBe(200);
  });

  it('the staff list never carries password material', async () => {
    const r = await call(staffRoute.GET, { token: ctx.tokens.admin });
    expect(JSON.stringify(r.body)).not.toMatch(/password|scrypt|hash/i);
  });

  it('admins and the front desk do not read clinical data; clinical roles do', async () => {
    for (const role of ['admin', 'front-desk'] as const) {
      expect((await call(pumpForecast, { token: ctx.tokens[role], params: { id: String(pumpId) } })).status).toBe(403);
    }
    for (const role of ['physician', 'nurse'] as const) {
      expect((await call(pumpForecast, { token: ctx.tokens[role], params: { id: String(pumpId) } })).status).toBe(200);
    }
  });
});

describe('clinic isolation', () => {
  it("a nurse of another clinic cannot read this clinic's pump by changing the id (404, no hint)", async () => {
    const mine = await call(pumpForecast, { token: ctx.tokens.nurse, params: { id: String(pumpId) } });
    expect(mine.status).toBe(200);
    const theirs = await call(pumpForecast, { token: ctx.tokens.otherClinicNurse, params: { id: String(pumpId) } });
    const missing = await call(pumpForecast, { token: ctx.tokens.otherClinicNurse, params: { id: '999999' } });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
  });

  it("another clinic's worklist does not list this clinic's patients", async () => {
    const r = await call(worklist, { url: '/api/v1/worklist', token: ctx.tokens.otherClinicNurse });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toContain('SEC-1');
  });
});

describe('cross-site requests', () => {
  it('refuses a cookie-style mutation from another site', async () => {
    // No bearer token: the cross-site check runs before authentication.
    const r = await call(staffRoute.POST, { method: 'POST', body: {}, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(r.status).toBe(403);
  });
});

describe('audit export', () => {
  it('neutralises spreadsheet formulas in CSV cells', async () => {
    ctx.db.insert(s.auditLog).values({ clinicId: ctx.clinic.id, actorLabel: '=HYPERLINK("http://x")', action: 'update', entity: 'patient', entityId: '1' }).run();
    const r = await call(auditExport, { token: ctx.tokens.admin, url: '/api/v1/audit/export' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(String(r.body)).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});
