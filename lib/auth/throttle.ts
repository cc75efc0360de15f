/**
 * Sign-in throttling: at most 5 password checks for an email within 15 minutes; the next attempt locks that
 * email for 15 minutes. Counted for every email typed, so the answer never reveals whether an account exists.
 *
 * An attempt is counted before its password is checked (`reserveAttempt`, one immediate transaction), never
 * after: password hashing is asynchronous, so counting afterwards let a burst of parallel guesses all be
 * checked before any failure was recorded, and a late failure could overwrite a lock just set (issue 14,
 * item 1). A success clears the count only when no lock is active; nothing shortens a lock but its expiry or
 * an admin's unlock.
 */
import { eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '@/db/client';
import { signInAttempts } from '@/db/schema';
import { clockNow } from '@/lib/clock';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
const WINDOW_MS = 15 * 60_000;

const key = (email: string) => email.trim().toLowerCase().slice(0, 320);

type AttemptRow = typeof signInAttempts.$inferSelect;

const isLocked = (row: AttemptRow | undefined, now: number): row is AttemptRow & { lockedUntil: number } =>
  !!row?.lockedUntil && row.lockedUntil > now;

/** Attempts already counted in the current window (none once the window or an expired lock has passed). */
function countedAttempts(row: AttemptRow | undefined, now: number): number {
  if (!row?.lastFailureAt || now - row.lastFailureAt >= WINDOW_MS) return 0;
  if (row.lockedUntil && row.lockedUntil <= now) return 0;
  return row.failures;
}

export function lockedUntil(db: Pick<Db, 'select'>, email: string, now: number): number | null {
  const row = db.select().from(signInAttempts).where(eq(signInAttempts.email, key(email))).get();
  if (isLocked(row, now)) return row.lockedUntil;
  // The allowance is used up: the next attempt would lock, so it is as good as locked.
  return countedAttempts(row, now) >= MAX_FAILURES ? now + LOCK_MS : null;
}

export type Reservation = { allowed: true } | { allowed: false; lockedUntil: number; newlyLocked: boolean };

/**
 * Counts an attempt for the email before its password is checked. Refused while locked; the attempt after
 * the allowance is used up sets the lock and is refused.
 */
export function reserveAttempt(db: Db, email: string, now: number): Reservation {
  const k = key(email);
  return writeTransaction(db, (tx) => {
    const row = tx.select().from(signInAttempts).where(eq(signInAttempts.email, k)).get();
    if (isLocked(row, now)) return { allowed: false, lockedUntil: row.lockedUntil, newlyLocked: false };
    const failures = countedAttempts(row, now) + 1;
    const locked = failures > MAX_FAILURES ? now + LOCK_MS : null;
    tx.insert(signInAttempts)
      .values({ email: k, failures, lockedUntil: locked, lastFailureAt: now })
      .onConflictDoUpdate({ target: signInAttempts.email, set: { failures, lockedUntil: locked, lastFailureAt: now } })
      .run();
    return locked ? { allowed: false, lockedUntil: locked, newlyLocked: true } : { allowed: true };
  });
}

/**
 * A failed check of a reserved attempt (already counted). When the allowance is used up the lock starts now,
 * or stays as it is if it already runs longer: a failure never shortens a lock.
 * Returns the lock's end when this failure locked the email (for the audit), else null.
 */
export function recordFailure(db: Db, email: string, now: number): number | null {
  const k = key(email);
  return writeTransaction(db, (tx) => {
    const row = tx.select().from(signInAttempts).where(eq(signInAttempts.email, k)).get();
    if (!row || countedAttempts(row, now) < MAX_FAILURES) return null;
    if (isLocked(row, now) && row.lockedUntil >= now + LOCK_MS) return null;
    const until = Math.max(row.lockedUntil ?? 0, now + LOCK_MS);
    tx.update(signInAttempts).set({ lockedUntil: until }).where(eq(signInAttempts.email, k)).run();
    return isLocked(row, now) ? null : until;
  });
}

/** A successful check: the count starts again, unless a lock is active (a success does not lift a lock). */
export function clearFailures(db: Db, email: string, now = clockNow()): void {
  const k = key(email);
  writeTransaction(db, (tx) => {
    const row = tx.select().from(signInAttempts).where(eq(signInAttempts.email, k)).get();
    if (row && !isLocked(row, now)) tx.delete(signInAttempts).where(eq(signInAttempts.email, k)).run();
  });
}

/** An admin's unlock: the lock and the count end at once. Returns whether there was anything to lift. */
export function unlock(db: Pick<Db, 'delete'>, email: string): boolean {
  return db.delete(signInAttempts).where(eq(signInAttempts.email, key(email))).run().changes > 0;
}

export function lockoutMessage(until: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an administrator.`;
}

/** Sign-ins allowed from one client address per minute (many staff may share one NAT address). */
export const SIGN_INS_PER_ADDRESS_PER_MINUTE = 90;
/**
 * Second-factor codes (TOTP or recovery) allowed from one client address per minute: one per sign-in of a clinic
 * behind one NAT address, as many as its sign-ins. Guessing one person's code is stopped per person, by the
 * twoFactor plugin (lib/auth/auth.ts): 5 codes per pending sign-in, 10 wrong in a row lock the second factor.
 */
export const SECOND_FACTOR_CODES_PER_ADDRESS_PER_MINUTE = 90;
const ADDRESS_WINDOW_MS = 60_000;
type AddressWindows = Map<string, { startedAt: number; count: number }>;
const signInWindows: AddressWindows = new Map();
const secondFactorWindows: AddressWindows = new Map();

/**
 * Counts one attempt from a client address in fixed one-minute windows: at most `limit`, and the count starts again
 * a minute after the window opened, however busy the address stays. (better-auth's own limiter restarts its window
 * only after a quiet minute, so a clinic signing in steadily through one address would be refused after 90
 * sign-ins, for everyone, until a minute passed with none.) Returns the seconds to wait when refused, else null.
 */
function addressAllowance(windows: AddressWindows, limit: number, address: string | null, now: number): number | null {
  const k = address ?? 'unknown';
  let w = windows.get(k);
  if (!w || now - w.startedAt >= ADDRESS_WINDOW_MS) {
    if (windows.size > 10_000) for (const [key, v] of windows) if (now - v.startedAt >= ADDRESS_WINDOW_MS) windows.delete(key);
    w = { startedAt: now, count: 0 };
    windows.set(k, w);
  }
  if (w.count >= limit) return Math.max(1, Math.ceil((w.startedAt + ADDRESS_WINDOW_MS - now) / 1000));
  w.count++;
  return null;
}

/** A password sign-in from a client address (`/sign-in/email`): seconds to wait when refused, else null. */
export function addressSignInAllowance(address: string | null, now: number): number | null {
  return addressAllowance(signInWindows, SIGN_INS_PER_ADDRESS_PER_MINUTE, address, now);
}

/** A second-factor code from a client address (`/two-factor/verify-totp`, `verify-backup-code`), counted apart. */
export function addressSecondFactorAllowance(address: string | null, now: number): number | null {
  return addressAllowance(secondFactorWindows, SECOND_FACTOR_CODES_PER_ADDRESS_PER_MINUTE, address, now);
}
