/**
 * Staff authentication with better-auth (email and password, sessions in SQLite through drizzle).
 * Sign-up is closed: admins create staff. Failed sign-ins are counted per email, whether or not the account
 * exists, and lock that email for a while, with the same answer either way.
 */
import { betterAuth } from 'better-auth';
import { eq } from 'drizzle-orm';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware, getSessionFromCtx } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { twoFactor } from 'better-auth/plugins';
import { appendAudit, requestOriginOf, type AuditAction } from '@/db/queries/audit';
import { getDb } from '@/db/runtime';
import { noteStorageFailure } from '@/db/storage-state';
import * as s from '@/db/schema';
import { env } from '@/lib/env';
import { authSecret } from './secret';
import { isDisabled } from './second-person';
import { addressSecondFactorAllowance, addressSignInAllowance, clearFailures, lockoutMessage, recordFailure, reserveAttempt } from './throttle';
import { requestNow } from '@/lib/clock';

/** The paths where the second factor is given at sign-in (better-auth's twoFactor plugin). */
const SECOND_FACTOR_PATHS: Readonly<Record<string, 'totp' | 'recovery-code'>> = {
  '/two-factor/verify-totp': 'totp',
  '/two-factor/verify-backup-code': 'recovery-code',
};

/** The plugin's cookie naming the sign-in that waits for its second factor. */
const TWO_FACTOR_COOKIE = 'two_factor';

function bodyEmail(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email : '';
}

/** better-auth's own answer to a wrong password (its INVALID_EMAIL_OR_PASSWORD), given for a disabled account too. */
const WRONG_PASSWORD = { code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' };

function createAuth() {
  const db = getDb();

  /**
   * An authentication event in the audit trail, with the request's address and user agent. For an email with
   * no account the actor is unknown: the row names the email typed and belongs to no clinic.
   */
  function auditAuth(headers: Headers | undefined, email: string, action: AuditAction, detail: Record<string, unknown> | null, userId?: string) {
    const key = email.trim().toLowerCase().slice(0, 320);
    const user = db
      .select({ id: s.users.id, name: s.users.name, clinicId: s.users.clinicId })
      .from(s.users)
      .where(userId ? eq(s.users.id, userId) : eq(s.users.email, key))
      .get();
    appendAudit(db, {
      clinicId: user?.clinicId ?? null,
      actorId: user?.id ?? null,
      actorLabel: user?.name ?? (key || '(no email)'),
      action,
      entity: 'session',
      entityId: user?.id ?? null,
      after: detail,
      ...requestOriginOf(headers ?? new Headers()),
    });
  }

  const config = env();
  return betterAuth({
    appName: 'Pump refill scheduler',
    baseURL: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    secret: authSecret(),
    database: drizzleAdapter(db, {
      provider: 'sqlite',
      schema: { user: s.users, session: s.sessions, account: s.accounts, verification: s.verifications, twoFactor: s.twoFactors },
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
    // The second factor is guarded per sign-in (5 codes) and per account (10 wrong codes lock it 15 minutes) by
    // the plugin; its own per-address rule (3 in 10 s) would refuse a clinic's shared NAT address at shift start,
    // and better-auth's limiter restarts only after a quiet minute, so per address it is counted by
    // lib/auth/throttle.ts in fixed windows, like the password.
    rateLimit: {
      enabled: true,
      window: 60,
      max: 600,
      customRules: {
        // Counted by lib/auth/throttle.ts instead (fixed windows; see there): addressSignInAllowance and
        // addressSecondFactorAllowance.
        '/sign-in/email': false,
        '/two-factor/verify-totp': false,
        '/two-factor/verify-backup-code': false,
      },
    },
    telemetry: { enabled: false },
    // A write that failed for a full disk is noted, so the route answers 503 with a message (app/api/auth).
    onAPIError: {
      onError: (error) => {
        if (error instanceof APIError) return;
        noteStorageFailure(error);
        console.error('Sign-in service error', error);
      },
    },
    databaseHooks: {
      session: {
        create: {
          // Checked after the password (so a disabled account answers as slowly as any other) and with the
          // same answer as a wrong password: a disabled account is not revealed.
          before: async (session) => {
            const user = db.select({ banned: s.users.banned, banExpires: s.users.banExpires }).from(s.users).where(eq(s.users.id, session.userId)).get();
            if (!user || isDisabled(user, requestNow())) throw new APIError('UNAUTHORIZED', WRONG_PASSWORD);
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path in SECOND_FACTOR_PATHS) {
          // "Trust this device for 30 days" would skip the second factor: not offered in a clinic.
          if ((ctx.body as { trustDevice?: unknown } | undefined)?.trustDevice) throw new APIError('BAD_REQUEST', { message: 'Trusting a device is not available: every sign-in asks for the code.' });
          // Over HTTP these endpoints only finish a sign-in. With a session they would confirm an enrolment
          // unaudited; that is done by /api/v1/me/mfa (lib/auth/mfa.ts), which calls them on the server.
          if (ctx.request && (await getSessionFromCtx(ctx).catch(() => null)))
            throw new APIError('FORBIDDEN', { message: 'Already signed in: set up two-step sign-in on /me/security.' });
          // Over HTTP only: the server's own calls for an enrolment (lib/auth/mfa.ts) come from no address.
          if (ctx.request) {
            const wait = addressSecondFactorAllowance(requestOriginOf(ctx.headers ?? new Headers()).ipAddress, requestNow());
            if (wait !== null)
              throw new APIError('TOO_MANY_REQUESTS', { message: `Too many sign-in codes from this network address. Try again in ${wait} seconds.` });
          }
          return;
        }
        if (ctx.path === '/sign-out') {
          const current = await getSessionFromCtx(ctx).catch(() => null);
          if (current) auditAuth(ctx.headers, current.user.email, 'sign-out', { reason: 'signed out' }, current.user.id);
          return;
        }
        if (ctx.path !== '/sign-in/email') return;
        // Counted before the password is checked (lib/auth/throttle.ts): a parallel burst locks too.
        const now = requestNow();
        const wait = addressSignInAllowance(requestOriginOf(ctx.headers ?? new Headers()).ipAddress, now);
        if (wait !== null)
          throw new APIError('TOO_MANY_REQUESTS', { message: `Too many sign-ins from this network address. Try again in ${wait} seconds.` });
        const email = bodyEmail(ctx.body);
        const reservation = reserveAttempt(db, email, now);
        if (!reservation.allowed) {
          auditAuth(ctx.headers, email, reservation.newlyLocked ? 'lockout' : 'sign-in-failed', { reason: 'locked', lockedUntil: reservation.lockedUntil });
          throw new APIError('TOO_MANY_REQUESTS', { message: lockoutMessage(reservation.lockedUntil, now) });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const factor = SECOND_FACTOR_PATHS[ctx.path];
        if (factor && ctx.request) {
          const signedIn = ctx.context.newSession;
          if (signedIn) {
            auditAuth(ctx.headers, signedIn.user.email, 'sign-in', { sessionId: signedIn.session.id, secondFactor: factor }, signedIn.user.id);
          } else if (ctx.context.returned instanceof Error) {
            // Whose sign-in it was: the pending challenge names the account (gone once its attempts are spent).
            const challenge = await ctx.getSignedCookie(ctx.context.createAuthCookie(TWO_FACTOR_COOKIE).name, ctx.context.secret).catch(() => null);
            const pending = challenge ? await ctx.context.internalAdapter.findVerificationValue(challenge).catch(() => null) : null;
            const status = (ctx.context.returned as { statusCode?: unknown }).statusCode;
            auditAuth(ctx.headers, '', 'mfa-failed', { secondFactor: factor, reason: ctx.context.returned.message, status: typeof status === 'number' ? status : null }, pending?.value ?? undefined);
          }
          return;
        }
        if (ctx.path !== '/sign-in/email') return;
        const email = bodyEmail(ctx.body);
        const signedIn = ctx.context.newSession;
        if (signedIn?.user.twoFactorEnabled) {
          // The password was right; the plugin's hook (after this one) ends this session and asks for the
          // code. The sign-in row is written when the code is given.
          clearFailures(db, email);
        } else if (signedIn) {
          clearFailures(db, email);
          auditAuth(ctx.headers, email, 'sign-in', { sessionId: signedIn.session.id }, signedIn.user.id);
        } else if (ctx.context.returned instanceof Error) {
          const now = requestNow();
          const lockedUntil = recordFailure(db, email, now);
          auditAuth(ctx.headers, email, 'sign-in-failed', { reason: 'wrong email or password' });
          if (lockedUntil) auditAuth(ctx.headers, email, 'lockout', { lockedUntil });
        }
      }),
    },
    plugins: [
      twoFactor({
        issuer: 'Pump refill scheduler',
        // Enrolment is confirmed with a first code from the app (lib/auth/mfa.ts), never switched on blind.
        skipVerificationOnEnable: false,
        backupCodeOptions: { amount: 10, length: 10, storeBackupCodes: 'encrypted' },
        accountLockout: { enabled: true, maxFailedAttempts: 10, durationSeconds: 15 * 60 },
      }),
      // Last, as better-auth asks: sets the cookies of server-side calls (enrolment rotates the session).
      nextCookies(),
    ],
  });
}

type Auth = ReturnType<typeof createAuth>;
const globalForAuth = globalThis as unknown as { __pumpAuth?: Auth };

export function auth(): Auth {
  globalForAuth.__pumpAuth ??= createAuth();
  return globalForAuth.__pumpAuth;
}
