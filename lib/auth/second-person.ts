/**
 * The second experienced provider who confirms a reprogramming or drug change (reference.md E7, G1 step 7:
 * "Have a second experienced provider confirm all reprogramming and drug changes", S55). Choosing a colleague
 * from a list proves nothing; they confirm with their own password, checked as at sign-in. A wrong password
 * counts toward that colleague's sign-in lockout, so the form cannot be used to guess it. A disabled account,
 * another clinic's account, front desk or admin, and the person making the change can never confirm.
 */
import 'server-only';
import { and, eq } from 'drizzle-orm';
import { verifyPassword } from 'better-auth/crypto';
import type { Db } from '@/db/client';
import * as s from '@/db/schema';
import { ValidationError } from '@/lib/errors';
import type { SecondPersonInput } from '@/lib/validation/program';
import { clearFailures, lockoutMessage, recordFailure, reserveAttempt } from './throttle';

export interface ConfirmedPerson {
  id: string;
  name: string;
  role: 'nurse' | 'physician';
}

/** A disabled account: banned with no end, or a ban that has not yet expired. */
export function isDisabled(user: Pick<s.Staff, 'banned' | 'banExpires'>, now: number): boolean {
  return !!user.banned && (user.banExpires == null || user.banExpires.getTime() > now);
}

/**
 * Checks the second person's credentials. `field` is the input's path (e.g. `secondPerson`); errors name
 * `${field}.userId` or `${field}.password`. Returns null when no second person was given.
 */
export async function confirmSecondPerson(
  db: Db,
  actor: { id: string; clinicId: number },
  input: SecondPersonInput | null | undefined,
  field: string,
  now: number,
): Promise<ConfirmedPerson | null> {
  if (!input) return null;
  const fail = (sub: 'userId' | 'password', message: string): never => {
    throw new ValidationError(message, { [`${field}.${sub}`]: message });
  };
  const user = db
    .select()
    .from(s.users)
    .where(and(eq(s.users.id, input.userId), eq(s.users.clinicId, actor.clinicId)))
    .get();
  if (!user || isDisabled(user, now) || (user.role !== 'nurse' && user.role !== 'physician'))
    return fail('userId', 'Second person must be an active nurse or physician of this clinic');
  if (user.id === actor.id) return fail('userId', 'Second person must be someone other than you');
  // Counted before the password is checked, as at sign-in: parallel confirmations cannot out-guess the lockout.
  const reservation = reserveAttempt(db, user.email, now);
  if (!reservation.allowed) return fail('password', `${user.name}: ${lockoutMessage(reservation.lockedUntil, now)}`);
  const account = db
    .select({ password: s.accounts.password })
    .from(s.accounts)
    .where(and(eq(s.accounts.userId, user.id), eq(s.accounts.providerId, 'credential')))
    .get();
  const ok = account?.password ? await verifyPassword({ hash: account.password, password: input.password }) : false;
  if (!ok) {
    recordFailure(db, user.email, now);
    return fail('password', `The password is not ${user.name}'s: they must type their own password to confirm`);
  }
  clearFailures(db, user.email, now);
  return { id: user.id, name: user.name, role: user.role };
}
