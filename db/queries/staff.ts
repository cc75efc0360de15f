/** Staff accounts of a clinic, managed by its admins. Password hashing is better-auth's. */
import crypto from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { writeTransaction, type Db } from '../client';
import * as s from '../schema';
import { audit, type Actor } from './audit';
import { requestNow } from '@/lib/clock';
import { hashToken } from '@/lib/token-hash';

/** What a staff list may show: never password or token hashes. */
const publicColumns = {
  id: s.users.id,
  name: s.users.name,
  email: s.users.email,
  role: s.users.role,
  banned: s.users.banned,
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
  const hash = await hashPassword(input.password);
  const now = new Date(requestNow());
  return writeTransaction(db, (tx) => {
    const existing = tx.select({ id: s.users.id }).from(s.users).where(eq(s.users.email, email)).get();
    if (existing) throw new ValidationError('This email already has an account.', { email: 'is already in use' });
    const id = crypto.randomUUID();
    tx.insert(s.users).values({ id, name: input.name, email, role: input.role, clinicId: actor.clinicId, emailVerified: true, createdAt: now, updatedAt: now }).run();
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
    }
    const after = tx.select(publicColumns).from(s.users).where(eq(s.users.id, id)).get()!;
    audit(tx, actor, 'update', 'staff', id, { name: before.name, role: before.role, disabled: before.banned }, { name: after.name, role: after.role, disabled: after.banned });
    return after;
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
