/**
 * The benchmark's clinic: seeded with the demo seed (db/seed.ts) at the requested size, plus the credentials the
 * HTTP targets need, written straight into the database the way the app stores them (SHA-256 hex of each token).
 */
import crypto from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import * as s from '../db/schema';
import { seedDemo, type SeedResult } from '../db/seed';
import { timedAsync } from './stats';

const sha256Hex = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest('hex');
/** 32 random bytes, base64url: the format of both API and feed tokens (lib/validation/feeds.ts). */
const newToken = () => crypto.randomBytes(32).toString('base64url');

export interface SeededClinic {
  clinicId: number;
  seed: SeedResult;
  seedMs: number;
  appointments: number;
}

export async function seedBenchClinic(db: Db, patients: number, now: number): Promise<SeededClinic> {
  const { result, ms } = await timedAsync(() => seedDemo(db, { now, patients }));
  if (!result) throw new Error('The benchmark database was not empty.');
  const appointments = db.$client.prepare('select count(*) from appointments').pluck().get() as number;
  return { clinicId: result.clinicId, seed: result, seedMs: ms, appointments };
}

function nurseOf(db: Pick<Db, 'select'>, clinicId: number) {
  const nurse = db
    .select({ id: s.users.id })
    .from(s.users)
    .where(and(eq(s.users.clinicId, clinicId), eq(s.users.role, 'nurse')))
    .orderBy(asc(s.users.email))
    .get();
  if (!nurse) throw new Error('The seeded clinic has no nurse.');
  return nurse;
}

/** A personal API token for the clinic's nurse (lib/auth/session.ts looks it up by its hash). */
export function createApiToken(db: Db, clinicId: number): string {
  const token = newToken();
  db.insert(s.apiTokens)
    .values({ userId: nurseOf(db, clinicId).id, name: 'benchmark', tokenHash: sha256Hex(token) })
    .run();
  return token;
}

/**
 * `count` active pumps spread evenly over the clinic (not just the first ones inserted), with their patients.
 */
export function samplePumps(
  db: Db,
  clinicId: number,
  count: number,
): { pumpId: number; patientId: number }[] {
  const rows = db
    .select({ pumpId: s.pumps.id, patientId: s.pumps.patientId })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(and(eq(s.patients.clinicId, clinicId), eq(s.pumps.status, 'active')))
    .orderBy(asc(s.pumps.id))
    .all();
  const step = Math.max(1, Math.floor(rows.length / count));
  return rows.filter((_, i) => i % step === 0).slice(0, count);
}

/** Patient feed tokens for the given patients, and one clinic feed token for the nurse. */
export function createFeedTokens(
  db: Db,
  clinicId: number,
  patientIds: number[],
): { patient: string[]; clinic: string } {
  const clinic = newToken();
  const patient = patientIds.map(() => newToken());
  db.transaction((tx) => {
    patientIds.forEach((patientId, i) => {
      tx.insert(s.feedTokens)
        .values({ kind: 'patient', clinicId, patientId, tokenHash: sha256Hex(patient[i]!) })
        .run();
    });
    tx.insert(s.feedTokens)
      .values({ kind: 'clinic', clinicId, userId: nurseOf(tx, clinicId).id, tokenHash: sha256Hex(clinic) })
      .run();
  });
  return { patient, clinic };
}
