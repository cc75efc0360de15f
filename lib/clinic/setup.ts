/**
 * The first-run setup of a real clinic (issue 14, item 12): the clinic and its first admin, in one transaction,
 * into a database that holds no clinic. The admin gets a one-time temporary password (about 110 bits), replaced
 * with their own at the first sign-in (checked for strength), and then enrols an authenticator app: the clinic's
 * default requires two-step sign-in of admins and physicians. No demo account is ever created here.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { hashPassword } from 'better-auth/crypto';
import { writeTransaction, type Db } from '@/db/client';
import { appendAudit } from '@/db/queries/audit';
import { temporaryPassword } from '@/db/queries/staff';
import * as s from '@/db/schema';
import { ConflictError } from '@/lib/errors';
import type { SetupInput } from '@/lib/validation/setup';

export interface SetupResult {
  clinicId: number;
  adminId: string;
  adminEmail: string;
  temporaryPassword: string;
}

export async function setUpClinic(db: Db, input: SetupInput, now: number, origin = 'npm run setup'): Promise<SetupResult> {
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  return writeTransaction(db, (tx) => {
    const clinics = tx.get<{ n: number }>(sql`select count(*) as n from clinics`)?.n ?? 0;
    if (clinics > 0) throw new ConflictError('This database already holds a clinic: setup is only for a new, empty database. Add staff on the admin’s staff page.');
    const clinic = tx
      .insert(s.clinics)
      .values({ name: input.clinicName, timeZone: input.timeZone, phone24h: input.phone24h, clinicWeekdays: [1, 2, 3, 4, 5], holidays: [], isDemo: false })
      .returning({ id: s.clinics.id })
      .get();
    const id = crypto.randomUUID();
    const at = new Date(now);
    tx.insert(s.users)
      .values({ id, name: input.adminName, email: input.adminEmail, role: 'admin', clinicId: clinic.id, emailVerified: true, mustChangePassword: true, createdAt: at, updatedAt: at })
      .run();
    tx.insert(s.accounts).values({ id: crypto.randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash, createdAt: at, updatedAt: at }).run();
    appendAudit(tx, {
      clinicId: clinic.id,
      actorId: null,
      actorLabel: origin,
      action: 'setup',
      entity: 'clinic',
      entityId: String(clinic.id),
      after: { clinic: input.clinicName, timeZone: input.timeZone, admin: { id, name: input.adminName, email: input.adminEmail } },
      ipAddress: null,
      userAgent: null,
    }, now);
    return { clinicId: clinic.id, adminId: id, adminEmail: input.adminEmail, temporaryPassword: password };
  });
}
