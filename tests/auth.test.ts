/** Sign-in through better-auth in-process: throttling, lockout without account disclosure, idle sign-out. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from './api';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { POST: authPost } = await import('@/app/api/auth/[...all]/route');
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
