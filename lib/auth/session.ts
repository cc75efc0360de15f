/**
 * Resolving who is asking: a session cookie (staff in the browser) or a personal API token (Bearer).
 * Identity is resolved here, in the handler's layer, and passed down; data modules never read cookies.
 */
import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { headers as nextHeaders } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { writeTransaction } from '@/db/client';
import { audit, requestOriginOf, type RequestOrigin } from '@/db/queries/audit';
import { getDb } from '@/db/runtime';
import { bestEffortWrite } from '@/db/storage-state';
import * as s from '@/db/schema';
import { ForbiddenError, UnauthorizedError } from '@/lib/errors';
import { hashToken } from '@/lib/token-hash';
import { auth } from './auth';
import { SECURITY_PATH } from './mfa';
import { can, type Permission } from './permissions';
import { requestNow } from '@/lib/clock';

export interface Staff {
  id: string;
  name: string;
  email: string;
  role: s.StaffRole;
  clinicId: number;
  via: 'session' | 'token';
  sessionId: string | null;
  /** Signed in with an admin's temporary password: only /me/password until they choose their own. */
  mustChangePassword: boolean;
  /**
   * The clinic requires a second factor of this role and none is set up: only /me/security (and the password
   * page) until they enrol (issue 14, item 4). Sessions only, as for mustChangePassword.
   */
  mustEnrolMfa: boolean;
  /** Where the request came from, for audit rows written with this staff member as the actor. */
  ipAddress: string | null;
  userAgent: string | null;
}

export { hashToken };

/** Where someone with a temporary password is sent, and the one permission they have meanwhile. */
export const CHANGE_PASSWORD_PATH = '/me/password';
export { SECURITY_PATH };

const ACTIVITY_WRITE_MS = 30_000;
/**
 * A token's "last used" (shown on /me/tokens) is written at most this often: writing it on every request made
 * each API read a second commit (and a second fsync) beside its audit row.
 */
export const TOKEN_USE_WRITE_MS = 60_000;

function staffFromUser(
  user: Pick<s.Staff, 'id' | 'name' | 'email' | 'role' | 'clinicId' | 'banned' | 'mustChangePassword'>,
  via: Staff['via'],
  sessionId: string | null,
  origin: RequestOrigin,
  mustEnrolMfa = false,
): Staff | null {
  if (user.banned || user.clinicId == null) return null;
  return { id: user.id, name: user.name, email: user.email, role: user.role, clinicId: user.clinicId, via, sessionId, mustChangePassword: user.mustChangePassword, mustEnrolMfa, ...origin };
}

/**
 * The session behind a request's cookie, unless it has been idle past the clinic's limit: such a session is ended
 * here (deleted, and an idle sign-out audited), so no later step can see it. Records no activity.
 */
async function liveSession(requestHeaders: Headers, origin: RequestOrigin, now: number) {
  const db = getDb();
  const result = await auth().api.getSession({ headers: requestHeaders });
  if (!result) return null;
  const user = db.select().from(s.users).where(eq(s.users.id, result.user.id)).get();
  if (!user) return null;
  const clinic =
    user.clinicId != null
      ? db.select({ idle: s.clinics.idleTimeoutMinutes, mfaRoles: s.clinics.mfaRequiredRoles }).from(s.clinics).where(eq(s.clinics.id, user.clinicId)).get()
      : undefined;
  const idleMs = (clinic?.idle ?? 15) * 60_000;
  const sessionId = result.session.id;
  const activity = db.select().from(s.sessionActivity).where(eq(s.sessionActivity.sessionId, sessionId)).get();
  const lastActive = activity?.lastActiveAt ?? new Date(result.session.createdAt).getTime();
  if (now - lastActive > idleMs) {
    writeTransaction(db, (tx) => {
      tx.delete(s.sessions).where(eq(s.sessions.id, sessionId)).run();
      if (user.clinicId != null)
        audit(tx, { id: user.id, name: user.name, clinicId: user.clinicId, ...origin }, 'sign-out', 'session', user.id, null, { reason: 'idle', idleMinutes: idleMs / 60_000 });
    });
    return null;
  }
  return { user, clinic, sessionId, activity };
}

/**
 * The idle rule for better-auth's own endpoints (`/api/auth/*`, app/api/auth/[...all]/route.ts), run before
 * better-auth sees the request: a session idle past the clinic's limit is ended, so `get-session` answers null
 * and no endpoint can use or revive it (issue 14, item 10). It records no activity either: only the app's own
 * requests (and the browser's "still typing" ping, GET /api/v1/me/session) keep a session alive, so a page that
 * polls get-session cannot hold a session open that nobody uses.
 */
export async function endSessionIfIdle(requestHeaders: Headers, now = requestNow()): Promise<void> {
  if (!/(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=/.test(requestHeaders.get('cookie') ?? '')) return;
  await liveSession(requestHeaders, requestOriginOf(requestHeaders), now);
}

/** The staff member behind a request, or null. Idle sessions past the clinic's limit are ended here. */
export async function resolveStaff(requestHeaders: Headers, now = requestNow()): Promise<Staff | null> {
  const db = getDb();
  const origin = requestOriginOf(requestHeaders);
  const authorization = requestHeaders.get('authorization');
  if (authorization?.toLowerCase().startsWith('bearer ')) {
    const token = authorization.slice(7).trim();
    if (!token) return null;
    const row = db
      .select({ user: s.users, tokenId: s.apiTokens.id, lastUsedAt: s.apiTokens.lastUsedAt })
      .from(s.apiTokens)
      .innerJoin(s.users, eq(s.apiTokens.userId, s.users.id))
      .where(and(eq(s.apiTokens.tokenHash, hashToken(token)), isNull(s.apiTokens.revokedAt)))
      .get();
    if (!row) return null;
    // Side writes of a read: skipped while the disk is full, so staff can go on reading (db/storage-state.ts).
    // At most once a minute (a stored time ahead of the clock is written over).
    if (row.lastUsedAt == null || now - row.lastUsedAt >= TOKEN_USE_WRITE_MS || row.lastUsedAt > now)
      bestEffortWrite(() => db.update(s.apiTokens).set({ lastUsedAt: now }).where(eq(s.apiTokens.id, row.tokenId)).run());
    return staffFromUser(row.user, 'token', null, origin);
  }

  const current = await liveSession(requestHeaders, origin, now);
  if (!current) return null;
  const { user, clinic, sessionId, activity } = current;
  if (!activity || now - activity.lastActiveAt > ACTIVITY_WRITE_MS) {
    // Skipped while the disk is full: the idle limit then counts from the last stored activity (signs out sooner).
    bestEffortWrite(() =>
      db
        .insert(s.sessionActivity)
        .values({ sessionId, lastActiveAt: now })
        .onConflictDoUpdate({ target: s.sessionActivity.sessionId, set: { lastActiveAt: now } })
        .run(),
    );
  }
  const mustEnrolMfa = !user.twoFactorEnabled && (clinic?.mfaRoles ?? []).includes(user.role);
  return staffFromUser(user, 'session', sessionId, origin, mustEnrolMfa);
}

/**
 * A session opened with a temporary password opens nothing but the change of password (issue 14, item 3).
 * Personal API tokens are not affected: only their owner can have made them, with a password of their own.
 */
export function assertPasswordChosen(staff: Staff, permission: Permission): void {
  if (staff.via === 'session' && staff.mustChangePassword && permission !== 'account:own')
    throw new ForbiddenError(`Choose your own password first (${CHANGE_PASSWORD_PATH}): you signed in with a temporary one.`);
  if (staff.via === 'session' && staff.mustEnrolMfa && permission !== 'account:own')
    throw new ForbiddenError(`Set up two-step sign-in first (${SECURITY_PATH}): your clinic requires it for your role.`);
}

/**
 * The staff member behind the page request being rendered, resolved once per request: the staff layout and the
 * page both ask, and each resolution verifies the signed cookie, reads the session, the user, the clinic and the
 * last activity (React's cache() is scoped to one server render, so nothing carries over to the next request).
 */
const pageRequestStaff = cache(async (): Promise<Staff | null> => resolveStaff(await nextHeaders()));

/**
 * For the staff layout: signed in, whatever the page. Each page then checks its permission (and sends someone
 * with a temporary password to /me/password) with requirePageStaff; the layout cannot, not knowing the page.
 */
export async function requireSignedIn(): Promise<Staff> {
  const staff = await pageRequestStaff();
  if (!staff) redirect('/sign-in');
  return staff;
}

/** For pages: the signed-in staff member with the permission, else a redirect to sign in or to /forbidden. */
export async function requirePageStaff(permission?: Permission, returnTo = '/'): Promise<Staff> {
  const staff = await pageRequestStaff();
  if (!staff) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  if (staff.mustChangePassword && returnTo !== CHANGE_PASSWORD_PATH)
    redirect(`${CHANGE_PASSWORD_PATH}?next=${encodeURIComponent(returnTo)}`);
  // Then the second factor, if the clinic requires it of this role: before any other page.
  if (!staff.mustChangePassword && staff.mustEnrolMfa && returnTo !== SECURITY_PATH && returnTo !== CHANGE_PASSWORD_PATH)
    redirect(`${SECURITY_PATH}?next=${encodeURIComponent(returnTo)}`);
  if (permission && !can(staff.role, permission)) redirect('/forbidden');
  return staff;
}

/** For route handlers and server actions: throws 401/403 errors mapped by lib/http/api.ts. */
export async function requireApiStaff(requestHeaders: Headers, permission: Permission): Promise<Staff> {
  const staff = await resolveStaff(requestHeaders);
  if (!staff) throw new UnauthorizedError('Sign in first (or send a valid API token).');
  assertPasswordChosen(staff, permission);
  if (!can(staff.role, permission)) throw new ForbiddenError(`Your role (${staff.role}) may not do this.`);
  return staff;
}
