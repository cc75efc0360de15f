/**
 * The sign-in lockout under concurrency (issue 14, item 1): 39 wrong passwords sent at once, then the right
 * one, signed in; failures still in flight erased a lock just set. Requests go to the real better-auth handler
 * in-process, where password hashing is asynchronous, so the requests really do overlap.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from './api';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { POST: authPost } = await import('@/app/api/auth/[...all]/route');
const { createStaff } = await import('@/db/queries/staff');
const { LOCK_MS, MAX_FAILURES, lockedUntil, recordFailure, reserveAttempt } = await import('@/lib/auth/throttle');

let ctx: ApiTestContext;
const password = 'Quiet-Harbor-Lantern-42';

// Each test signs in from its own address, so that better-auth's per-address limit (90 a minute) does not
// answer before the per-email lockout that these tests are about.
let address = 0;
beforeEach(() => {
  address++;
});

function signIn(email: string, pw: string) {
  return call(authPost, {
    method: 'POST',
    url: '/api/auth/sign-in/email',
    body: { email, password: pw },
    headers: { origin: 'http://localhost:3000', 'x-forwarded-for': `192.0.2.${address}` },
  });
}

async function addNurse(email: string) {
  const actor = { id: ctx.users.admin.id, name: 'Admin', clinicId: ctx.clinic.id };
  await createStaff(ctx.db, actor, { name: `Nurse ${email}`, email, role: 'nurse', password });
}

beforeAll(() => {
  ctx = setupApiTest();
});

describe('sign-in lockout under a parallel burst', () => {
  it('39 wrong passwords at once, then the right one: only 5 are checked and the right one is refused', async () => {
    await addNurse('burst@test.invalid');
    const wrong = Array.from({ length: 39 }, () => signIn('burst@test.invalid', 'not the password at all'));
    const right = signIn('burst@test.invalid', password);
    const answers = await Promise.all([...wrong, right]);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((st) => st === 401)).toHaveLength(MAX_FAILURES);
    expect(statuses.filter((st) => st === 429)).toHaveLength(40 - MAX_FAILURES);
    expect(answers.at(-1)!.status).toBe(429);
    expect(answers.at(-1)!.headers.get('set-cookie') ?? '').not.toMatch(/session_token=[^;]/);
    // Still locked once every request has finished, and for the full lock time.
    expect(lockedUntil(ctx.db, 'burst@test.invalid', Date.now())).toBeGreaterThan(Date.now() + LOCK_MS - 60_000);
    expect((await signIn('burst@test.invalid', password)).status).toBe(429);
  });

  it('three bursts in a row never get more than 5 passwords checked', async () => {
    await addNurse('bursts@test.invalid');
    let checked = 0;
    for (let burst = 0; burst < 3; burst++) {
      const answers = await Promise.all(Array.from({ length: 26 }, () => signIn('bursts@test.invalid', 'still not the password')));
      checked += answers.filter((a) => a.status === 401).length;
    }
    expect(checked).toBe(MAX_FAILURES);
    expect((await signIn('bursts@test.invalid', password)).status).toBe(429);
  });

  it('failures that finish after the lock was set leave it in place', async () => {
    await addNurse('inflight@test.invalid');
    // Five checks in flight use up the allowance; the sixth, sent while they run, sets the lock.
    const inFlight = Array.from({ length: MAX_FAILURES }, () => signIn('inflight@test.invalid', 'a wrong guess here'));
    const sixth = signIn('inflight@test.invalid', 'another wrong guess');
    const [sixthAnswer, ...rest] = await Promise.all([sixth, ...inFlight]);
    expect(sixthAnswer.status).toBe(429);
    expect(rest.map((r) => r.status)).toEqual(Array(MAX_FAILURES).fill(401));
    expect(lockedUntil(ctx.db, 'inflight@test.invalid', Date.now())).toBeGreaterThan(Date.now() + LOCK_MS - 60_000);
    expect((await signIn('inflight@test.invalid', password)).status).toBe(429);
  });

  it('a failure never shortens a longer lock', () => {
    const now = Date.now();
    const email = 'long-lock@test.invalid';
    for (let i = 0; i <= MAX_FAILURES; i++) reserveAttempt(ctx.db, email, now);
    const long = now + 4 * LOCK_MS;
    ctx.db.update(s.signInAttempts).set({ lockedUntil: long }).run();
    recordFailure(ctx.db, email, now + 1000);
    expect(lockedUntil(ctx.db, email, now + 1000)).toBe(long);
  });

  it('the right password within the allowance signs in and starts the count again', async () => {
    await addNurse('fine@test.invalid');
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await signIn('fine@test.invalid', 'typo in the password')).status).toBe(401);
    expect((await signIn('fine@test.invalid', password)).status).toBe(200);
    expect(lockedUntil(ctx.db, 'fine@test.invalid', Date.now())).toBeNull();
    expect((await signIn('fine@test.invalid', 'one more typo here')).status).toBe(401);
  });
});
