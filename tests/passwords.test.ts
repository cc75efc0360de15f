/**
 * Passwords (issue 14, item 3): a strength check, a temporary password that must be changed at first sign-in,
 * /me/password, the admin's reset (one-time temporary password) and unlock, all audited.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from './api';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { POST: authPost } = await import('@/app/api/auth/[...all]/route');
const { POST: createStaffRoute } = await import('@/app/api/v1/staff/route');
const { POST: changePassword } = await import('@/app/api/v1/me/password/route');
const { POST: resetPassword } = await import('@/app/api/v1/staff/[id]/password-reset/route');
const { POST: unlockRoute } = await import('@/app/api/v1/staff/[id]/unlock/route');
const { GET: worklist } = await import('@/app/api/v1/worklist/route');
const { MAX_FAILURES } = await import('@/lib/auth/throttle');

let ctx: ApiTestContext;
const origin = 'http://localhost:3000';
const temporary = 'Quiet-Harbor-Lantern-42';
let address = 10;

async function signIn(email: string, password: string) {
  address++;
  const r = await call(authPost, { method: 'POST', url: '/api/auth/sign-in/email', body: { email, password }, headers: { origin, 'x-forwarded-for': `192.0.2.${address}` } });
  return { status: r.status, cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]! };
}

const userByEmail = (email: string) => ctx.db.select().from(s.users).where(eq(s.users.email, email)).get()!;
const auditRows = (action: string, entityId: string) =>
  ctx.db.select().from(s.auditLog).where(and(eq(s.auditLog.action, action), eq(s.auditLog.entityId, entityId))).all();

async function addStaff(email: string, password = temporary) {
  const r = await call(createStaffRoute, { method: 'POST', token: ctx.tokens.admin, body: { name: `Staff ${email.split('@')[0]}`, email, role: 'nurse', password } });
  return r;
}

beforeAll(() => {
  ctx = setupApiTest();
});

describe('password strength', () => {
  it('refuses a weak temporary password, naming the field, and creates nothing', async () => {
    for (const weak of ['aaaaaaaaaaaa', 'password1234']) {
      const r = await addStaff(`weak-${weak.length}-${weak[0]}@test.invalid`, weak);
      expect(r.status).toBe(400);
      expect(r.body.fields.password).toMatch(/too easy to guess/);
    }
    expect(ctx.db.select().from(s.users).where(eq(s.users.email, 'weak-12-a@test.invalid')).get()).toBeUndefined();
  });
});

describe('a temporary password must be changed at first sign-in', () => {
  it('opens nothing but /me/password until the person chooses their own', async () => {
    expect((await addStaff('first@test.invalid')).status).toBe(201);
    const { status, cookie } = await signIn('first@test.invalid', temporary);
    expect(status).toBe(200);
    const blocked = await call(worklist, { headers: { cookie } });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toMatch(/Choose your own password first/);

    const other = await signIn('first@test.invalid', temporary);
    const wrongCurrent = await call(changePassword, { method: 'POST', body: { currentPassword: 'not it at all', newPassword: 'Velvet-Orchard-Compass-17' }, headers: { cookie } });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.fields.currentPassword).toBe('is not your current password');
    const weak = await call(changePassword, { method: 'POST', body: { currentPassword: temporary, newPassword: 'password1234' }, headers: { cookie } });
    expect(weak.status).toBe(400);
    expect(weak.body.fields.newPassword).toMatch(/too easy to guess/);
    const same = await call(changePassword, { method: 'POST', body: { currentPassword: temporary, newPassword: temporary }, headers: { cookie } });
    expect(same.body.fields.newPassword).toBe('must differ from the current password');

    const ok = await call(changePassword, { method: 'POST', body: { currentPassword: temporary, newPassword: 'Velvet-Orchard-Compass-17' }, headers: { cookie } });
    expect(ok.status).toBe(201);
    expect((await call(worklist, { headers: { cookie } })).status).toBe(200);
    // The other session ended; this one stays.
    expect((await call(worklist, { headers: { cookie: other.cookie } })).status).toBe(401);
    const user = userByEmail('first@test.invalid');
    expect(user.mustChangePassword).toBe(false);
    expect(auditRows('password-change', user.id)).toHaveLength(1);
    expect(JSON.stringify(auditRows('password-change', user.id))).not.toContain('Velvet');
    expect((await signIn('first@test.invalid', temporary)).status).toBe(401);
    expect((await signIn('first@test.invalid', 'Velvet-Orchard-Compass-17')).status).toBe(200);
  });

  it('an API token cannot change its owner\u2019s password', async () => {
    const r = await call(changePassword, { method: 'POST', token: ctx.tokens.nurse, body: { currentPassword: 'x', newPassword: 'Velvet-Orchard-Compass-17' } });
    expect(r.status).toBe(403);
  });
});

describe('admin reset and unlock', () => {
  it('reset issues a one-time temporary password, ends the sessions, and is audited', async () => {
    await addStaff('reset@test.invalid');
    const user = userByEmail('reset@test.invalid');
    const before = await signIn('reset@test.invalid', temporary);
    const expectedUpdatedAt = user.updatedAt.getTime();
    expect((await call(resetPassword, { method: 'POST', token: ctx.tokens.nurse, params: { id: user.id }, body: { expectedUpdatedAt } })).status).toBe(403);
    expect((await call(resetPassword, { method: 'POST', token: ctx.tokens.admin, params: { id: user.id }, body: { expectedUpdatedAt: expectedUpdatedAt - 1 } })).status).toBe(409);
    const r = await call(resetPassword, { method: 'POST', token: ctx.tokens.admin, params: { id: user.id }, body: { expectedUpdatedAt } });
    expect(r.status).toBe(201);
    expect(r.body.temporaryPassword).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect((await call(worklist, { headers: { cookie: before.cookie } })).status).toBe(401);
    expect((await signIn('reset@test.invalid', temporary)).status).toBe(401);
    const after = await signIn('reset@test.invalid', r.body.temporaryPassword as string);
    expect(after.status).toBe(200);
    expect((await call(worklist, { headers: { cookie: after.cookie } })).status).toBe(403);
    const rows = auditRows('password-reset', user.id);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(r.body.temporaryPassword);
  });

  it('reset and unlock of another clinic\u2019s account answer 404', async () => {
    const other = ctx.db.select().from(s.users).where(eq(s.users.clinicId, ctx.otherClinic.id)).get()!;
    expect((await call(resetPassword, { method: 'POST', token: ctx.tokens.admin, params: { id: other.id }, body: { expectedUpdatedAt: other.updatedAt.getTime() } })).status).toBe(404);
    expect((await call(unlockRoute, { method: 'POST', token: ctx.tokens.admin, params: { id: other.id } })).status).toBe(404);
  });

  it('unlock lifts a lockout someone else caused, and is audited', async () => {
    await addStaff('locked@test.invalid');
    const user = userByEmail('locked@test.invalid');
    for (let i = 0; i <= MAX_FAILURES; i++) await signIn('locked@test.invalid', 'someone guessing here');
    expect((await signIn('locked@test.invalid', temporary)).status).toBe(429);
    const r = await call(unlockRoute, { method: 'POST', token: ctx.tokens.admin, params: { id: user.id } });
    expect(r.status).toBe(201);
    expect(r.body.wasLocked).toBe(true);
    expect((await signIn('locked@test.invalid', temporary)).status).toBe(200);
    expect(auditRows('unlock', user.id)).toHaveLength(1);
  });
});
