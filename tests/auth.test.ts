/** Sign-in through better-auth in-process: throttling, lockout without account disclosure, idle sign-out. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from './api';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { GET: authGet, POST: authPost } = await import('@/app/api/auth/[...all]/route');
const { POST: changePasswordRoute } = await import('@/app/api/v1/me/password/route');
const { POST: mfaEnrolRoute } = await import('@/app/api/v1/me/mfa/enrolment/route');
const { createStaff } = await import('@/db/queries/staff');
const { resolveStaff } = await import('@/lib/auth/session');

let ctx: ApiTestContext;
const password = 'a long enough password';

async function signIn(email: string, pw: string) {
  return call(authPost, {
    method: 'POST',
    url: '/api/auth/sign-in/email',
    body: { email, password: pw },
    headers: { origin: 'http://localhost:3000' },
  });
}

beforeAll(async () => {
  ctx = setupApiTest();
  const actor = { id: ctx.users.admin.id, name: 'Admin', clinicId: ctx.clinic.id };
  await createStaff(ctx.db, actor, { name: 'Lock Test', email: 'lock@test.invalid', role: 'nurse', password });
  await createStaff(ctx.db, actor, { name: 'Idle Test', email: 'idle@test.invalid', role: 'nurse', password });
});

describe('sign-in throttling', () => {
  it('signs in with the right password', async () => {
    const r = await signIn('idle@test.invalid', password);
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/session_token=.*HttpOnly/i);
    expect(r.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
  });

  it('locks an email after 5 failures, even the right password is then refused', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('lock@test.invalid', 'wrong password!!')).status).toBe(401);
    const locked = await signIn('lock@test.invalid', password);
    expect(locked.status).toBe(429);
    expect(locked.body.message).toMatch(/Too many failed sign-in attempts/);
  });

  it('answers an unknown email exactly as a known one: failures, then the same lockout', async () => {
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) unknown.push((await signIn('nobody-here@test.invalid', 'wrong password!!')).status);
    expect(unknown).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('refuses a disabled account with the same answer as a wrong password', async () => {
    ctx.db.update(s.users).set({ banned: true }).where(eq(s.users.email, 'idle@test.invalid')).run();
    const r = await signIn('idle@test.invalid', password);
    expect(r.status).toBe(401);
    ctx.db.update(s.users).set({ banned: false }).where(eq(s.users.email, 'idle@test.invalid')).run();
  });
});

describe('idle sign-out', () => {
  it('ends a session idle longer than the clinic limit', async () => {
    const r = await signIn('idle@test.invalid', password);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    const headers = new Headers({ cookie });
    const first = await resolveStaff(headers, Date.now());
    expect(first?.email).toBe('idle@test.invalid');
    const idleMinutes = ctx.clinic.idleTimeoutMinutes;
    // Still signed in just inside the limit (activity was recorded by the first call)…
    expect(await resolveStaff(headers, Date.now() + (idleMinutes - 1) * 60_000)).not.toBeNull();
    // …and signed out once idle longer than the limit; the session row is gone.
    expect(await resolveStaff(headers, Date.now() + (2 * idleMinutes + 1) * 60_000)).toBeNull();
    expect(await resolveStaff(headers, Date.now())).toBeNull();
  });
});

describe('the idle rule on better-auth’s endpoints (issue 14, item 10)', () => {
  /** A signed-in session whose last activity was `minutes` ago. */
  async function sessionIdleFor(minutes: number) {
    const r = await signIn('idle@test.invalid', password);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    const staff = await resolveStaff(new Headers({ cookie }));
    const sessionId = staff!.sessionId!;
    ctx.db.update(s.sessionActivity).set({ lastActiveAt: Date.now() - minutes * 60_000 }).where(eq(s.sessionActivity.sessionId, sessionId)).run();
    return { cookie, sessionId, userId: staff!.id };
  }
  const getSession = (cookie: string) => call(authGet, { url: '/api/auth/get-session', headers: { cookie, origin: 'http://localhost:3000' } });
  const idleSignOuts = (userId: string) =>
    ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entityId, userId))
      .all()
      .filter((r) => r.action === 'sign-out' && (r.after as { reason?: string } | null)?.reason === 'idle');

  it('get-session answers a live session, and does not count as activity', async () => {
    const { cookie, sessionId } = await sessionIdleFor(5);
    const before = ctx.db.select().from(s.sessionActivity).where(eq(s.sessionActivity.sessionId, sessionId)).get()!.lastActiveAt;
    const live = await getSession(cookie);
    expect(live.status).toBe(200);
    expect(live.body?.user?.email).toBe('idle@test.invalid');
    expect(ctx.db.select().from(s.sessionActivity).where(eq(s.sessionActivity.sessionId, sessionId)).get()!.lastActiveAt).toBe(before);
  });

  it('get-session ends an idle session instead of answering it, audited as an idle sign-out; nothing revives it', async () => {
    const idleMinutes = ctx.clinic.idleTimeoutMinutes;
    const { cookie, sessionId, userId } = await sessionIdleFor(idleMinutes + 1);
    const before = idleSignOuts(userId).length;
    const r = await getSession(cookie);
    expect(r.status).toBe(200);
    expect(r.body).toBeNull();
    expect(ctx.db.select().from(s.sessions).where(eq(s.sessions.id, sessionId)).all()).toHaveLength(0);
    expect(idleSignOuts(userId)).toHaveLength(before + 1);
    // The same cookie opens nothing afterwards: not better-auth, not the app's password or two-step endpoints.
    expect((await getSession(cookie)).body).toBeNull();
    const headers = { cookie };
    expect((await call(changePasswordRoute, { method: 'POST', headers, body: { currentPassword: password, newPassword: 'an entirely new passphrase 42' } })).status).toBe(401);
    expect((await call(mfaEnrolRoute, { method: 'POST', headers, body: { password } })).status).toBe(401);
    expect(await resolveStaff(new Headers({ cookie }))).toBeNull();
  });

  it('the session endpoints better-auth has and the app does not use are closed, idle or not', async () => {
    const { cookie } = await sessionIdleFor(ctx.clinic.idleTimeoutMinutes + 1);
    const headers = { cookie, origin: 'http://localhost:3000' };
    for (const path of ['/change-password', '/two-factor/enable', '/revoke-sessions', '/update-session'])
      expect((await call(authPost, { method: 'POST', url: `/api/auth${path}`, headers, body: {} })).status).toBe(404);
    expect((await call(authGet, { url: '/api/auth/list-sessions', headers })).status).toBe(404);
  });

  it('sign-out of an idle session is the idle sign-out, not a second one', async () => {
    const { cookie, userId } = await sessionIdleFor(ctx.clinic.idleTimeoutMinutes + 1);
    const rows = () => ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entityId, userId)).all().filter((r) => r.action === 'sign-out');
    const before = rows().length;
    await call(authPost, { method: 'POST', url: '/api/auth/sign-out', headers: { cookie, origin: 'http://localhost:3000' }, body: {} });
    const after = rows().slice(before);
    expect(after.map((r) => (r.after as { reason?: string }).reason)).toEqual(['idle']);
  });
});

describe('a personal API token’s "last used"', () => {
  /** The physician's one token (tests/api.ts makes one per role). */
  const lastUsed = () =>
    ctx.db.select({ at: s.apiTokens.lastUsedAt }).from(s.apiTokens).where(eq(s.apiTokens.userId, ctx.users.physician.id)).get()?.at;

  it('is written at the first use, then at most once a minute (TOKEN_USE_WRITE_MS), not on every request', async () => {
    const { TOKEN_USE_WRITE_MS } = await import('@/lib/auth/session');
    const headers = new Headers({ authorization: `Bearer ${ctx.tokens.physician}` });
    const t0 = Date.UTC(2026, 11, 4, 9, 0);
    expect((await resolveStaff(headers, t0))?.role).toBe('physician');
    expect(lastUsed()).toBe(t0);
    expect(await resolveStaff(headers, t0 + TOKEN_USE_WRITE_MS - 1)).not.toBeNull();
    expect(lastUsed()).toBe(t0);
    expect(await resolveStaff(headers, t0 + TOKEN_USE_WRITE_MS)).not.toBeNull();
    expect(lastUsed()).toBe(t0 + TOKEN_USE_WRITE_MS);
    // A stored time ahead of the clock (a clock set back) is written over.
    expect(await resolveStaff(headers, t0)).not.toBeNull();
    expect(lastUsed()).toBe(t0);
  });
});
