/** Staff accounts of a clinic, managed by its admins. Password hashing is better-auth's. */
import crypto from 'node:crypto';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { passwordWeakness, personalWords } from '@/lib/auth/password-strength';
import { clearFailures, lockedUntil, lockoutMessage, recordFailure, reserveAttempt, unlock } from '@/lib/auth/throttle';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { writeTransaction, type Db } from '../client';
import * as s from '../schema';
import { audit, type Actor } from './audit';
import { revokeActiveFeedTokens } from './feeds';
import { clockNow, requestNow } from '@/lib/clock';
import { hashToken } from '@/lib/token-hash';

/** What a staff list may show: never password or token hashes. */
const publicColumns = {
  id: s.users.id,
  name: s.users.name,
  email: s.users.email,
  role: s.users.role,
  banned: s.users.banned,
  /** Signed in with an admin-issued temporary credential that they must still replace. */
  mustReplaceTemporary: s.users.mustChangePassword,
  /** Two-step sign-in set up (the admin may reset it for a lost phone). */
  twoFactorEnabled: s.users.twoFactorEnabled,
  createdAt: s.users.createdAt,
  updatedAt: s.users.updatedAt,
};

export function listStaff(db: Pick<Db, 'select'>, clinicId: number) {
  return db.select(publicColumns).from(s.users).where(eq(s.users.clinicId, clinicId)).orderBy(s.users.name).all();
}

export async function createStaff(
  db: Db,
  actor: Actor,
  input: { name: string; email: string; role: s.StaffRole; password: string },
) {
  const email = input.email.trim().toLowerCase();
  assertStrongPassword(input.password, 'password', input.name, email);
  const hash = await hashPassword(input.password);
  const now = new Date(requestNow());
  return writeTransaction(db, (tx) => {
    const existing = tx.select({ id: s.users.id }).from(s.users).where(eq(s.users.email, email)).get();
    if (existing) throw new ValidationError('This email already has an account.', { email: 'is already in use' });
    const id = crypto.randomUUID();
    // The admin chose this password, so it is temporary: the person sets their own at first sign-in.
    tx.insert(s.users).values({ id, name: input.name, email, role: input.role, clinicId: actor.clinicId, emailVerified: true, mustChangePassword: true, createdAt: now, updatedAt: now }).run();
    tx.insert(s.accounts).values({ id: crypto.randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash, createdAt: now, updatedAt: now }).run();
    const created = tx.select(publicColumns).from(s.users).where(eq(s.users.id, id)).get()!;
    audit(tx, actor, 'create', 'staff', id, null, { name: created.name, email: created.email, role: created.role });
    return created;
  });
}

export function updateStaff(
  db: Db,
  actor: Actor,
  id: string,
  input: { name?: string; role?: s.StaffRole; disabled?: boolean; expectedUpdatedAt: number },
) {
  return writeTransaction(db, (tx) => {
    const before = tx.select(publicColumns).from(s.users).where(and(eq(s.users.id, id), eq(s.users.clinicId, actor.clinicId))).get();
    if (!before) throw new NotFoundError('No such staff member.');
    if (before.updatedAt.getTime() !== input.expectedUpdatedAt)
      throw new ConflictError('This account was changed by someone else while you were editing. Reload and try again.');
    if (id === actor.id && (input.disabled || (input.role && input.role !== 'admin')))
      throw new ValidationError('You cannot disable your own account or remove your own admin role.', { role: 'ask another admin' });
    tx.update(s.users)
      .set({
        name: input.name ?? before.name,
        role: input.role ?? before.role,
        banned: input.disabled ?? before.banned,
        banReason: input.disabled ? `disabled by ${actor.name}` : null,
        updatedAt: new Date(Math.max(requestNow(), before.updatedAt.getTime() + 1)),
      })
      .where(eq(s.users.id, id))
      .run();
    if (input.disabled) {
      // A disabled account is signed out everywhere at once; its API tokens stop working too.
      tx.delete(s.sessions).where(eq(s.sessions.userId, id)).run();
      tx.update(s.apiTokens).set({ revokedAt: requestNow() }).where(and(eq(s.apiTokens.userId, id), isNull(s.apiTokens.revokedAt))).run();
      // And their clinic calendar feed, for good: re-enabling the account does not bring the old address back.
      revokeActiveFeedTokens(tx, actor, { kind: 'clinic', clinicId: actor.clinicId, userId: id }, requestNow());
    }
    const after = tx.select(publicColumns).from(s.users).where(eq(s.users.id, id)).get()!;
    audit(tx, actor, 'update', 'staff', id, { name: before.name, role: before.role, disabled: before.banned }, { name: after.name, role: after.role, disabled: after.banned });
    return after;
  });
}

// ---- Passwords ----

function assertStrongPassword(password: string, field: string, name: string, email: string): void {
  const weakness = passwordWeakness(password, personalWords(name, email));
  if (weakness) throw new ValidationError(`The password ${weakness}`, { [field]: weakness });
}

/**
 * A one-time temporary password: 20 characters from an alphabet without look-alikes (about 110 bits), in
 * groups of five so that it can be read out or typed.
 */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const chars = Array.from({ length: 20 }, () => alphabet[crypto.randomInt(alphabet.length)]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

function staffOfClinic(db: Pick<Db, 'select'>, clinicId: number, id: string) {
  const user = db
    .select({ id: s.users.id, name: s.users.name, email: s.users.email, updatedAt: s.users.updatedAt })
    .from(s.users)
    .where(and(eq(s.users.id, id), eq(s.users.clinicId, clinicId)))
    .get();
  if (!user) throw new NotFoundError('No such staff member.');
  return user;
}

/**
 * The admin's "reset password": a new one-time temporary password, shown once to the admin, which the person
 * must replace at their next sign-in. Their sessions end; the reset is audited (never the password).
 */
export async function resetStaffPassword(db: Db, actor: Actor, id: string, expectedUpdatedAt: number): Promise<{ temporaryPassword: string }> {
  const user = staffOfClinic(db, actor.clinicId, id);
  if (user.updatedAt.getTime() !== expectedUpdatedAt)
    throw new ConflictError('This account was changed by someone else while you were looking. Reload and try again.');
  if (user.id === actor.id) throw new ValidationError('Change your own password on the password page.', { id: 'is your own account' });
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  const now = new Date(clockNow());
  writeTransaction(db, (tx) => {
    const updated = tx.update(s.accounts).set({ password: hash, updatedAt: now }).where(and(eq(s.accounts.userId, id), eq(s.accounts.providerId, 'credential'))).run();
    if (updated.changes === 0)
      tx.insert(s.accounts).values({ id: crypto.randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash, createdAt: now, updatedAt: now }).run();
    const changed = tx
      .update(s.users)
      .set({ mustChangePassword: true, updatedAt: new Date(Math.max(now.getTime(), expectedUpdatedAt + 1)) })
      .where(and(eq(s.users.id, id), eq(s.users.updatedAt, new Date(expectedUpdatedAt))))
      .run();
    if (changed.changes === 0) throw new ConflictError('This account was changed by someone else while you were looking. Reload and try again.');
    tx.delete(s.sessions).where(eq(s.sessions.userId, id)).run();
    audit(tx, actor, 'password-reset', 'staff', id, null, { name: user.name, temporary: true });
  });
  return { temporaryPassword: password };
}

/** The admin's unlock: ends a sign-in lockout (anyone can trigger one against anyone by guessing). Audited. */
export function unlockStaff(db: Db, actor: Actor, id: string, now: number): { wasLocked: boolean } {
  const user = staffOfClinic(db, actor.clinicId, id);
  return writeTransaction(db, (tx) => {
    const wasLocked = lockedUntil(tx, user.email, now) != null;
    unlock(tx, user.email);
    audit(tx, actor, 'unlock', 'staff', id, { locked: wasLocked }, { locked: false });
    return { wasLocked };
  });
}

/** The staff list with each account's sign-in lockout (for the admin's unlock). */
export function listStaffWithLocks(db: Pick<Db, 'select'>, clinicId: number, now: number) {
  return listStaff(db, clinicId).map((u) => ({ ...u, locked: lockedUntil(db, u.email, now) != null }));
}

/**
 * A person changes their own password (/me/password): the current one is checked as at sign-in (counted
 * toward the lockout first, so this form cannot be used to guess it), the new one must be strong and
 * different. Other sessions end; this one stays. Clears the temporary-password flag. Audited.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  keepSessionId: string | null,
  now: number,
): Promise<void> {
  const user = db.select({ id: s.users.id, name: s.users.name, email: s.users.email }).from(s.users).where(eq(s.users.id, actor.id)).get();
  if (!user) throw new NotFoundError('No such staff member.');
  const reservation = reserveAttempt(db, user.email, now);
  if (!reservation.allowed) {
    const message = lockoutMessage(reservation.lockedUntil, now);
    throw new ValidationError(message, { currentPassword: message });
  }
  const account = db
    .select({ password: s.accounts.password })
    .from(s.accounts)
    .where(and(eq(s.accounts.userId, user.id), eq(s.accounts.providerId, 'credential')))
    .get();
  const ok = account?.password ? await verifyPassword({ hash: account.password, password: input.currentPassword }) : false;
  if (!ok) {
    recordFailure(db, user.email, now);
    throw new ValidationError('The current password is not right.', { currentPassword: 'is not your current password' });
  }
  clearFailures(db, user.email, now);
  if (input.newPassword === input.currentPassword)
    throw new ValidationError('Choose a new password, not the current one.', { newPassword: 'must differ from the current password' });
  assertStrongPassword(input.newPassword, 'newPassword', user.name, user.email);
  const hash = await hashPassword(input.newPassword);
  writeTransaction(db, (tx) => {
    tx.update(s.accounts).set({ password: hash, updatedAt: new Date(now) }).where(and(eq(s.accounts.userId, user.id), eq(s.accounts.providerId, 'credential'))).run();
    tx.update(s.users).set({ mustChangePassword: false, updatedAt: new Date(now) }).where(eq(s.users.id, user.id)).run();
    tx.delete(s.sessions)
      .where(keepSessionId ? and(eq(s.sessions.userId, user.id), ne(s.sessions.id, keepSessionId)) : eq(s.sessions.userId, user.id))
      .run();
    audit(tx, actor, 'password-change', 'staff', user.id);
  });
}

// ---- Personal API tokens ----

export function listTokens(db: Pick<Db, 'select'>, userId: string) {
  return db
    .select({ id: s.apiTokens.id, name: s.apiTokens.name, createdAt: s.apiTokens.createdAt, lastUsedAt: s.apiTokens.lastUsedAt, revokedAt: s.apiTokens.revokedAt })
    .from(s.apiTokens)
    .where(eq(s.apiTokens.userId, userId))
    .all();
}

/** Returns the token once; only its SHA-256 hash is stored. */
export function createToken(db: Db, actor: Actor, name: string): { id: number; token: string } {
  const token = `pat_${crypto.randomBytes(32).toString('base64url')}`;
  const tokenHash = hashToken(token);
  return writeTransaction(db, (tx) => {
    const row = tx.insert(s.apiTokens).values({ userId: actor.id, name, tokenHash }).returning({ id: s.apiTokens.id }).get();
    audit(tx, actor, 'create', 'api-token', row.id, null, { name });
    return { id: row.id, token };
  });
}

export function revokeToken(db: Db, actor: Actor, id: number): void {
  writeTransaction(db, (tx) => {
    const row = tx.select().from(s.apiTokens).where(and(eq(s.apiTokens.id, id), eq(s.apiTokens.userId, actor.id))).get();
    if (!row) throw new NotFoundError('No such token.');
    if (row.revokedAt) return;
    tx.update(s.apiTokens).set({ revokedAt: requestNow() }).where(eq(s.apiTokens.id, id)).run();
    audit(tx, actor, 'revoke', 'api-token', id, { name: row.name }, null);
  });
}
