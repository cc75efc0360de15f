/**
 * What /api/auth/* exposes (issue 14, items 5 and 11): a nurse renamed herself "Dr. Ana Ortiz" through
 * better-auth's update-user; sign-in and get-session returned the raw session token in JSON; a 60 MB body was
 * read in full.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from './api';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { GET: authGet, POST: authPost } = await import('@/app/api/auth/[...all]/route');
const { createStaff } = await import('@/db/queries/staff');

let ctx: ApiTestContext;
let cookie = '';
const password = 'Quiet-Harbor-Lantern-42';
const origin = 'http://localhost:3000';

beforeAll(async () => {
  ctx = setupApiTest();
  const actor = { id: ctx.users.admin.id, name: 'Admin', clinicId: ctx.clinic.id };
  await createStaff(ctx.db, actor, { name: 'Nora Nurse', email: 'nora@test.invalid', role: 'nurse', password });
  const r = await call(authPost, { method: 'POST', url: '/api/auth/sign-in/email', body: { email: 'nora@test.invalid', password }, headers: { origin } });
  expect(r.status).toBe(200);
  cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
});

describe('better-auth endpoints the app does not use', () => {
  it('a signed-in nurse cannot rename herself through update-user', async () => {
    const r = await call(authPost, { method: 'POST', url: '/api/auth/update-user', body: { name: 'Dr. Ana Ortiz' }, headers: { origin, cookie } });
    expect(r.status).toBe(404);
    const user = ctx.db.select({ name: s.users.name }).from(s.users).where(eq(s.users.email, 'nora@test.invalid')).get();
    expect(user?.name).toBe('Nora Nurse');
  });

  it('refuses the other account endpoints, in any spelling of the path', async () => {
    for (const path of ['/api/auth/change-email', '/api/auth/delete-user', '/api/auth/revoke-sessions', '/api/auth//update-user', '/api/auth/update-user/', '/api/auth/sign-up/email', '/api/auth/request-password-reset'])
      expect((await call(authPost, { method: 'POST', url: path, body: { name: 'x', newEmail: 'x@evil.example' }, headers: { origin, cookie } })).status, path).toBe(404);
    for (const path of ['/api/auth/list-sessions', '/api/auth/list-accounts', '/api/auth/ok'])
      expect((await call(authGet, { url: path, headers: { cookie } })).status, path).toBe(404);
  });
});

describe('no raw session token in JSON', () => {
  it('sign-in answers without the token; the cookie carries the session', async () => {
    const r = await call(authPost, { method: 'POST', url: '/api/auth/sign-in/email', body: { email: 'nora@test.invalid', password }, headers: { origin } });
    expect(r.status).toBe(200);
    expect(r.body.user.email).toBe('nora@test.invalid');
    expect(r.body).not.toHaveProperty('token');
    const token = decodeURIComponent((r.headers.get('set-cookie') ?? '').split(';')[0]!.split('=')[1]!).split('.')[0]!;
    expect(JSON.stringify(r.body)).not.toContain(token);
    expect(r.headers.get('set-cookie')).toMatch(/session_token=/);
  });

  it('get-session answers without session.token', async () => {
    const r = await call(authGet, { url: '/api/auth/get-session', headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.body.user.email).toBe('nora@test.invalid');
    expect(r.body.session.id).toBeTruthy();
    expect(r.body.session).not.toHaveProperty('token');
  });
});

describe('body size on /api/auth/*', () => {
  it('refuses a body over 16 KiB with 413, declared or not', async () => {
    const big = JSON.stringify({ email: 'nora@test.invalid', password: 'x'.repeat(200_000) });
    const r = await call(authPost, { method: 'POST', url: '/api/auth/sign-in/email', rawBody: big, headers: { origin } });
    expect(r.status).toBe(413);
    const declared = await call(authPost, { method: 'POST', url: '/api/auth/sign-in/email', rawBody: '{}', headers: { origin, 'content-length': String(60 * 1024 * 1024) } });
    expect(declared.status).toBe(413);
  });
});
