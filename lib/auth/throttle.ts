/**
 * Sign-in throttling: after 5 failures for an email within 15 minutes, that email is locked for 15 minutes.
 * Counted for every email typed, so the answer never reveals whether an account exists.
 */
import { eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '@/db/client';
import { signInAttempts } from '@/db/schema';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
const WINDOW_MS = 15 * 60_000;

const key = (email: string) => email.trim().toLowerCase().slice(0, 320);

export function lockedUntil(db: Db, email: string, now: number): number | null {
  const row = db.select().from(signInAttempts).where(eq(signInAttempts.email, key(email))).get();
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

export function recordFailure(db: Db, email: string, now: number): void {
  const k = key(email);
  writeTransaction(db, (tx) => {
    const row = tx.select().from(signInAttempts).where(eq(signInAttempts.email, k)).get();
    const recent = row?.lastFailureAt && now - row.lastFailureAt < WINDOW_MS ? row.failures : 0;
    const failures = recent + 1;
    const locked = failures >= MAX_FAILURES ? now + LOCK_MS : null;
    tx.insert(signInAttempts)
      .values({ email: k, failures, lockedUntil: locked, lastFailureAt: now })
      .onConflictDoUpdate({
        target: signInAttempts.email,
        set: { failures: locked ? 0 : failures, lockedUntil: locked, lastFailureAt: now },
      })
      .run();
  });
}

export function clearFailures(db: Db, email: string): void {
  db.delete(signInAttempts).where(eq(signInAttempts.email, key(email))).run();
}

export function lockoutMessage(until: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an administrator.`;
}
