/**
 * Two-step sign-in (issue 14, item 4) against the real better-auth instance and its twoFactor plugin, with an
 * independent TOTP generator (otpauth) playing the authenticator app: enrolment confirmed by a code, the code
 * asked at sign-in, one-time recovery codes, the clinic's required roles, the admin's reset, and the audit rows.
 */
import { and, eq } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as s from '@/db/schema';
import { call, credentialsOf, setupApiTest, TEST_PASSWORD, type ApiTestContext } from './api';
import { SECOND_FACTOR_CODES_PER_ADDRESS_PER_MINUTE } from '@/lib/auth/throttle';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { POST: authPost } = await import('@/app/api/auth/[...all]/route');
const { GET: mfaStatusRoute } = await import('@/app/api/v1/me/mfa/route');
const { POST: enrolRoute } = await import('@/app/api/v1/me/mfa/enrolment/route');
const { POST: confirmRoute } = await import('@/app/api/v1/me/mfa/confirmation/route');
const { POST: recoveryRoute } = await import('@/app/api/v1/me/mfa/recovery-codes/route');
const { POST: disableRoute } = await import('@/app/api/v1/me/mfa/disable/route');
const { POST: resetRoute } = await import('@/app/api/v1/staff/[id]/mfa-reset/route');
const { GET: worklist } = await import('@/app/api/v1/worklist/route');

let ctx: ApiTestContext;
const origin = 'http://localhost:3000';
let address = 10;

/** The cookies a response sets, as a Cookie header merged over the ones sent (an expired cookie is dropped). */
function cookieJar(previous: string, response: { headers: Headers }): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)] as const),
  );
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]!;
    const name = pair.slice(0, pair.indexOf('='));
    const value = pair.slice(pair.indexOf('=') + 1);
    if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

const hasSession = (cookie: string) => /session_token=/.test(cookie);

async function authCall(path: string, body: unknown, cookie = '') {
  address++;
  const r = await call(authPost, { method: 'POST', url: `/api/auth${path}`, body, headers: { origin, cookie, 'x-forwarded-for': `198.51.100.${address}` } });
  return { ...r, cookie: cookieJar(cookie, r) };
}

const signIn = (user: s.Staff) => authCall('/sign-in/email', { email: user.email, password: TEST_PASSWORD });

function totpOf(secret: string) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
}

/** A code that is not the current one (nor the one before or after, which better-auth also accepts). */
function wrongCode(secret: string): string {
  const totp = totpOf(secret);
  const near = new Set([-1, 0, 1].map((step) => totp.generate({ timestamp: Date.now() + step * 30_000 })));
  let n = 0;
  while (near.has(String(n).padStart(6, '0'))) n++;
  return String(n).padStart(6, '0');
}

const auditRows = (action: string, userId: string) =>
  ctx.db.select().from(s.auditLog).where(and(eq(s.auditLog.action, action), eq(s.auditLog.entityId, userId))).all();
const userRow = (id: string) => ctx.db.select().from(s.users).where(eq(s.users.id, id)).get()!;

/** Signs in with the password only and enrols an authenticator; returns the secret, the codes and the new cookie. */
async function enrol(user: s.Staff) {
  const first = await signIn(user);
  expect(first.status).toBe(200);
  const started = await call(enrolRoute, { method: 'POST', body: { password: TEST_PASSWORD }, headers: { cookie: first.cookie } });
  expect(started.status).toBe(201);
  const secret = started.body.secret as string;
  const confirmed = await call(confirmRoute, { method: 'POST', body: { code: totpOf(secret).generate() }, headers: { cookie: first.cookie } });
  expect(confirmed.status).toBe(201);
  return { secret, recoveryCodes: started.body.recoveryCodes as string[], cookie: cookieJar(first.cookie, confirmed), started: started.body };
}

beforeAll(async () => {
  ctx = setupApiTest();
  for (const role of ['admin', 'physician', 'nurse', 'front-desk'] as const) await credentialsOf(ctx, ctx.users[role]);
});

describe('a role the clinic requires two-step sign-in of', () => {
  it('reaches nothing but /me/security until an authenticator is enrolled, then signs in with a code', async () => {
    const physician = ctx.users.physician;
    expect(ctx.clinic.mfaRequiredRoles).toEqual(['admin', 'physician']);
    const first = await signIn(physician);
    expect(first.status).toBe(200);
    const blocked = await call(worklist, { headers: { cookie: first.cookie } });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toMatch(/Set up two-step sign-in first/);
    const status = await call(mfaStatusRoute, { headers: { cookie: first.cookie } });
    expect(status.body).toEqual({ enrolled: false, required: true, recoveryCodesLeft: null });

    const wrongPassword = await call(enrolRoute, { method: 'POST', body: { password: 'not my password at all' }, headers: { cookie: first.cookie } });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body.fields.password).toBe('is not your password');

    const started = await call(enrolRoute, { method: 'POST', body: { password: TEST_PASSWORD }, headers: { cookie: first.cookie } });
    expect(started.status).toBe(201);
    const uri = OTPAuth.URI.parse(started.body.otpauthUri as string) as OTPAuth.TOTP;
    expect(uri.secret.base32).toBe(started.body.secret);
    expect(uri.label).toBe(physician.email);
    expect(started.body.qrSvg).toMatch(/^<svg /);
    expect(started.body.recoveryCodes).toHaveLength(10);
    // Not in force before a code confirms it: still blocked, and sign-in still asks for the password only.
    expect(userRow(physician.id).twoFactorEnabled).toBe(false);

    const secret = started.body.secret as string;
    const badCode = await call(confirmRoute, { method: 'POST', body: { code: wrongCode(secret) }, headers: { cookie: first.cookie } });
    expect(badCode.status).toBe(400);
    expect(badCode.body.fields.code).toBe('is not the current code');
    expect(auditRows('mfa-failed', physician.id).map((r) => r.after)).toEqual([{ during: 'enrolment', secondFactor: 'totp' }]);
    expect(userRow(physician.id).twoFactorEnabled).toBe(false);

    const confirmed = await call(confirmRoute, { method: 'POST', body: { code: totpOf(secret).generate() }, headers: { cookie: first.cookie } });
    expect(confirmed.status).toBe(201);
    expect(userRow(physician.id).twoFactorEnabled).toBe(true);
    expect(auditRows('mfa-enrol', physician.id)).toHaveLength(1);
    // The session was renewed: the new cookie works, the old one no longer.
    const renewed = cookieJar(first.cookie, confirmed);
    expect((await call(worklist, { headers: { cookie: renewed } })).status).toBe(200);
    expect((await call(worklist, { headers: { cookie: first.cookie } })).status).toBe(401);

    // The next sign-in: the password opens no session, only the code does.
    const password = await signIn(physician);
    expect(password.status).toBe(200);
    expect(password.body).toMatchObject({ twoFactorRedirect: true, twoFactorMethods: ['totp'] });
    expect(hasSession(password.cookie)).toBe(false);
    const wrong = await authCall('/two-factor/verify-totp', { code: wrongCode(secret) }, password.cookie);
    expect(wrong.status).toBe(401);
    expect(hasSession(wrong.cookie)).toBe(false);
    const failed = auditRows('mfa-failed', physician.id).filter((r) => (r.after as { during?: string }).during === undefined);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actorId: physician.id, clinicId: ctx.clinic.id, ipAddress: expect.stringMatching(/^198\.51\.100\./) });

    const signInsBefore = auditRows('sign-in', physician.id).length;
    const ok = await authCall('/two-factor/verify-totp', { code: totpOf(secret).generate() }, password.cookie);
    expect(ok.status).toBe(200);
    expect(ok.body.token).toBeUndefined();
    expect(hasSession(ok.cookie)).toBe(true);
    expect((await call(worklist, { headers: { cookie: ok.cookie } })).status).toBe(200);
    const signIns = auditRows('sign-in', physician.id);
    expect(signIns).toHaveLength(signInsBefore + 1);
    expect(signIns.at(-1)!.after).toMatchObject({ secondFactor: 'totp' });

    // Required for the role: cannot be switched off by its owner.
    const off = await call(disableRoute, { method: 'POST', body: { password: TEST_PASSWORD }, headers: { cookie: ok.cookie } });
    expect(off.status).toBe(403);
    expect(userRow(physician.id).twoFactorEnabled).toBe(true);
  });

  it('a recovery code opens one sign-in, once; new codes replace the old ones', async () => {
    const admin = ctx.users.admin;
    const { recoveryCodes, cookie } = await enrol(admin);
    const [code, second] = recoveryCodes;

    const pending = await signIn(admin);
    expect(pending.body.twoFactorRedirect).toBe(true);
    const used = await authCall('/two-factor/verify-backup-code', { code }, pending.cookie);
    expect(used.status).toBe(200);
    expect(hasSession(used.cookie)).toBe(true);
    expect(auditRows('sign-in', admin.id).at(-1)!.after).toMatchObject({ secondFactor: 'recovery-code' });

    const again = await signIn(admin);
    const reused = await authCall('/two-factor/verify-backup-code', { code }, again.cookie);
    expect(reused.status).toBe(401);
    expect(hasSession(reused.cookie)).toBe(false);
    expect(auditRows('mfa-failed', admin.id).at(-1)!.after).toMatchObject({ secondFactor: 'recovery-code' });

    const status = await call(mfaStatusRoute, { headers: { cookie: used.cookie } });
    expect(status.body).toEqual({ enrolled: true, required: true, recoveryCodesLeft: 9 });

    const wrongPassword = await call(recoveryRoute, { method: 'POST', body: { password: 'not my password at all' }, headers: { cookie } });
    expect(wrongPassword.status).toBe(400);
    const fresh = await call(recoveryRoute, { method: 'POST', body: { password: TEST_PASSWORD }, headers: { cookie } });
    expect(fresh.status).toBe(201);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect(auditRows('mfa-recovery-codes', admin.id)).toHaveLength(1);
    const old = await signIn(admin);
    expect((await authCall('/two-factor/verify-backup-code', { code: second }, old.cookie)).status).toBe(401);
    const withNew = await signIn(admin);
    expect((await authCall('/two-factor/verify-backup-code', { code: fresh.body.recoveryCodes[0] }, withNew.cookie)).status).toBe(200);
  });

  it('refuses "trust this device" and an enrolment confirmed behind the audit over HTTP', async () => {
    const nurse = ctx.users.nurse;
    const { secret, cookie } = await enrol(nurse);
    const pending = await signIn(nurse);
    const trusted = await authCall('/two-factor/verify-totp', { code: totpOf(secret).generate(), trustDevice: true }, pending.cookie);
    expect(trusted.status).toBe(400);
    expect(hasSession(trusted.cookie)).toBe(false);
    // With a session, the plugin's endpoint would confirm an enrolment unaudited: only /api/v1/me/mfa does that.
    const direct = await authCall('/two-factor/verify-totp', { code: totpOf(secret).generate() }, cookie);
    expect(direct.status).toBe(403);
    for (const path of ['/two-factor/enable', '/two-factor/disable', '/two-factor/get-totp-uri', '/two-factor/generate-backup-codes']) {
      expect((await authCall(path, { password: TEST_PASSWORD }, cookie)).status).toBe(404);
    }
  });
});

describe('a role the clinic does not require it of', () => {
  it('signs in with the password alone until enrolled, and may switch it off (audited)', async () => {
    const desk = ctx.users['front-desk'];
    const plain = await signIn(desk);
    expect(plain.body.twoFactorRedirect).toBeUndefined();
    expect((await call(worklist, { headers: { cookie: plain.cookie } })).status).toBe(200);

    const { cookie } = await enrol(desk);
    const wrong = await call(disableRoute, { method: 'POST', body: { password: 'not my password at all' }, headers: { cookie } });
    expect(wrong.status).toBe(400);
    expect(userRow(desk.id).twoFactorEnabled).toBe(true);
    const off = await call(disableRoute, { method: 'POST', body: { password: TEST_PASSWORD }, headers: { cookie } });
    expect(off.status).toBe(200);
    expect(userRow(desk.id).twoFactorEnabled).toBe(false);
    expect(auditRows('mfa-disable', desk.id)).toHaveLength(1);
    expect((await signIn(desk)).body.twoFactorRedirect).toBeUndefined();
  });
});

describe("the admin's reset", () => {
  it('removes a lost authenticator, ends the sessions, and the person enrols again (audited)', async () => {
    const physician = ctx.users.physician;
    const pending = await signIn(physician);
    expect(pending.body.twoFactorRedirect).toBe(true);
    const signedIn = await signIn(ctx.users['front-desk']);

    const notAdmin = await call(resetRoute, { method: 'POST', token: ctx.tokens.nurse, params: { id: physician.id } });
    expect(notAdmin.status).toBe(403);
    const otherClinic = await call(resetRoute, { method: 'POST', token: ctx.tokens.admin, params: { id: 'no-such-user' } });
    expect(otherClinic.status).toBe(404);
    const own = await call(resetRoute, { method: 'POST', token: ctx.tokens.admin, params: { id: ctx.users.admin.id } });
    expect(own.status).toBe(400);

    const reset = await call(resetRoute, { method: 'POST', token: ctx.tokens.admin, params: { id: physician.id } });
    expect(reset.status).toBe(201);
    expect(reset.body).toEqual({ wasEnrolled: true });
    expect(userRow(physician.id).twoFactorEnabled).toBe(false);
    expect(ctx.db.select().from(s.twoFactors).where(eq(s.twoFactors.userId, physician.id)).all()).toHaveLength(0);
    expect(ctx.db.select().from(s.sessions).where(eq(s.sessions.userId, physician.id)).all()).toHaveLength(0);
    const row = auditRows('mfa-reset', physician.id);
    expect(row).toHaveLength(1);
    expect(row[0]).toMatchObject({ actorId: ctx.users.admin.id, before: { enrolled: true }, after: { enrolled: false } });

    const again = await signIn(physician);
    expect(again.body.twoFactorRedirect).toBeUndefined();
    expect((await call(worklist, { headers: { cookie: again.cookie } })).status).toBe(403);
    // Another person's sign-in is untouched.
    expect((await call(worklist, { headers: { cookie: signedIn.cookie } })).status).toBe(200);
  });
});

/** One more staff member of the clinic with the test password (each guessing test spends its own budget). */
async function addNurse(label: string): Promise<s.Staff> {
  const now = new Date();
  const user = ctx.db
    .insert(s.users)
    .values({ id: crypto.randomUUID(), name: `Nurse ${label}`, email: `${label}@test.invalid`, role: 'nurse', clinicId: ctx.clinic.id, emailVerified: true, createdAt: now, updatedAt: now })
    .returning()
    .get();
  await credentialsOf(ctx, user);
  return user;
}

describe('guessing a code (issue 14)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('five wrong codes end the pending sign-in, ten in a row lock the second factor 15 minutes, even against the right code', async () => {
    const nurse = await addNurse('guessed');
    const { secret } = await enrol(nurse);
    const failedBefore = auditRows('mfa-failed', nurse.id).length;

    const pending = await signIn(nurse);
    expect(pending.body.twoFactorRedirect).toBe(true);
    for (let i = 0; i < 5; i++) expect((await authCall('/two-factor/verify-totp', { code: wrongCode(secret) }, pending.cookie)).status).toBe(401);
    // The sixth code, the right one, no longer opens this sign-in: the password must be given again.
    const spent = await authCall('/two-factor/verify-totp', { code: totpOf(secret).generate() }, pending.cookie);
    expect(spent.status).toBeGreaterThanOrEqual(400);
    expect(hasSession(spent.cookie)).toBe(false);

    // Five more on a new sign-in: ten wrong codes in a row lock the second factor, whatever sign-in asks.
    const second = await signIn(nurse);
    for (let i = 0; i < 5; i++) expect((await authCall('/two-factor/verify-totp', { code: wrongCode(secret) }, second.cookie)).status).toBe(401);
    const third = await signIn(nurse);
    const locked = await authCall('/two-factor/verify-totp', { code: totpOf(secret).generate() }, third.cookie);
    expect(locked.status).toBe(429);
    expect(hasSession(locked.cookie)).toBe(false);
    const recovery = await authCall('/two-factor/verify-backup-code', { code: 'not-a-code' }, third.cookie);
    expect(recovery.status).toBe(429);
    expect(auditRows('mfa-failed', nurse.id).length - failedBefore).toBeGreaterThanOrEqual(10);

    // Fifteen minutes later the right code works again.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 15 * 60_000 + 1_000);
    const later = await signIn(nurse);
    const ok = await authCall('/two-factor/verify-totp', { code: totpOf(secret).generate() }, later.cookie);
    expect(ok.status).toBe(200);
    expect(hasSession(ok.cookie)).toBe(true);
  });

  it('codes from one network address are limited in fixed one-minute windows, as sign-ins are', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.UTC(2026, 5, 1, 8, 0, 0);
    vi.setSystemTime(t0);
    const from = (addressOf: string, code = '000000') =>
      call(authPost, { method: 'POST', url: '/api/auth/two-factor/verify-totp', body: { code }, headers: { origin, 'x-forwarded-for': addressOf } });

    // No pending sign-in: each is refused for that (401) until the address has used its minute's allowance.
    for (let i = 0; i < SECOND_FACTOR_CODES_PER_ADDRESS_PER_MINUTE; i++) expect((await from('203.0.113.77')).status).toBe(401);
    const refused = await from('203.0.113.77');
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/Too many sign-in codes from this network address\. Try again in 60 seconds/);
    // Another address has its own allowance.
    expect((await from('203.0.113.78')).status).toBe(401);

    // The address never goes quiet (one code a second), and still gets a new allowance a minute after the window
    // opened: better-auth's limiter, which waited for a quiet minute, refused it for as long as it kept trying.
    const answers: number[] = [];
    for (let second = 1; second <= 61; second++) {
      vi.setSystemTime(t0 + second * 1000);
      answers.push((await from('203.0.113.77')).status);
    }
    expect(answers.slice(0, 59).every((st) => st === 429)).toBe(true);
    expect(answers.slice(59)).toEqual([401, 401]);
  });
});
