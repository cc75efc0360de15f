/**
 * Staff authentication with better-auth (email and password, sessions in SQLite through drizzle).
 * Sign-up is closed: admins create staff. Failed sign-ins are counted per email, whether or not the account
 * exists, and lock that email for a while, with the same answer either way.
 */
import { betterAuth } from 'better-auth';
import { eq } from 'drizzle-orm';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { getDb } from '@/db/runtime';
import * as s from '@/db/schema';
import { env } from '@/lib/env';
import { authSecret } from './secret';
import { isDisabled } from './second-person';
import { clearFailures, lockoutMessage, recordFailure, reserveAttempt } from './throttle';

function bodyEmail(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email : '';
}

/** better-auth's own answer to a wrong password (its INVALID_EMAIL_OR_PASSWORD), given for a disabled account too. */
const WRONG_PASSWORD = { code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' };

function createAuth() {
  const db = getDb();
  const config = env();
  return betterAuth({
    appName: 'Pump refill scheduler',
    baseURL: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    secret: authSecret(),
    database: drizzleAdapter(db, {
      provider: 'sqlite',
      schema: { user: s.users, session: s.sessions, account: s.accounts, verification: s.verifications },
    }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12, autoSignIn: false },
    user: {
      additionalFields: {
        role: { type: 'string', input: false, required: false },
        clinicId: { type: 'number', input: false, required: false },
        banned: { type: 'boolean', input: false, required: false },
      },
    },
    session: {
      // An absolute limit; the idle limit (a clinic setting, 15 minutes by default) is enforced per request
      // in lib/auth/session.ts from the session's last activity.
      expiresIn: 60 * 60 * 12,
      updateAge: 60 * 60 * 12,
    },
    advanced: {
      useSecureCookies: config.NODE_ENV === 'production' && (config.PUBLIC_URL ?? '').startsWith('https://'),
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
    // Without PUBLIC_URL the app runs locally: accept both spellings of the local origin.
    trustedOrigins: config.PUBLIC_URL ? [config.PUBLIC_URL] : [`http://localhost:${config.PORT}`, `http://127.0.0.1:${config.PORT}`],
    // Per client address, on top of the per-email lockout (lib/auth/throttle.ts). A clinic's staff often share
    // one address (NAT), so this is generous; the lockout is what stops password guessing.
    rateLimit: { enabled: true, window: 60, max: 600, customRules: { '/sign-in/email': { window: 60, max: 90 } } },
    telemetry: { enabled: false },
    databaseHooks: {
      session: {
        create: {
          // Checked after the password (so a disabled account answers as slowly as any other) and with the
          // same answer as a wrong password: a disabled account is not revealed.
          before: async (session) => {
            const user = db.select({ banned: s.users.banned, banExpires: s.users.banExpires }).from(s.users).where(eq(s.users.id, session.userId)).get();
            if (!user || isDisabled(user, Date.now())) throw new APIError('UNAUTHORIZED', WRONG_PASSWORD);
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email') return;
        // Counted before the password is checked (lib/auth/throttle.ts): a parallel burst locks too.
        const now = Date.now();
        const reservation = reserveAttempt(db, bodyEmail(ctx.body), now);
        if (!reservation.allowed) throw new APIError('TOO_MANY_REQUESTS', { message: lockoutMessage(reservation.lockedUntil, now) });
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email') return;
        const email = bodyEmail(ctx.body);
        if (ctx.context.newSession) clearFailures(db, email);
        else if (ctx.context.returned instanceof Error) recordFailure(db, email, Date.now());
      }),
    },
    plugins: [nextCookies()],
  });
}

type Auth = ReturnType<typeof createAuth>;
const globalForAuth = globalThis as unknown as { __pumpAuth?: Auth };

export function auth(): Auth {
  globalForAuth.__pumpAuth ??= createAuth();
  return globalForAuth.__pumpAuth;
}
