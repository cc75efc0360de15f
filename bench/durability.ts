/**
 * What `synchronous = FULL` costs a refill visit (issue 13, item 8). In WAL mode, NORMAL syncs the WAL only at a
 * checkpoint, so a power cut can undo the last acknowledged commits; FULL syncs the WAL at every commit, so an
 * acknowledged refill survives one. This records real refill visits (recordVisit, the same call as
 * POST /api/v1/pumps/{id}/visits: the visit, the program version, audit rows and the stored forecast in one
 * transaction) under each setting, on distinct pumps, on the bench's database file, and times each commit.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { refillFormContext } from '../db/queries/refills';
import { clinicActor } from '../lib/clinic/actor';
import { recordVisit } from '../lib/clinic/record-visit';
import * as s from '../db/schema';
import { recordVisitSchema } from '../lib/validation/refill';
import { round, summarize } from './stats';

export interface RefillWriteLatency {
  synchronous: 'NORMAL' | 'FULL';
  n: number;
  p50: number;
  p95: number;
  mean: number;
}

function nurseActor(db: Db, clinicId: number) {
  const nurse = db.select().from(s.users).where(eq(s.users.role, 'nurse')).all().find((u) => u.clinicId === clinicId);
  if (!nurse) throw new Error('The bench clinic has no nurse.');
  return clinicActor({ id: nurse.id, name: nurse.name, clinicId, role: nurse.role });
}

/** A routine refill of the pump now: the expected residual aspirated, refilled to the reservoir, same drug. */
function refillOf(db: Db, clinicId: number, pumpId: number, now: number) {
  const c = refillFormContext(db, clinicId, pumpId, now);
  return recordVisitSchema.parse({
    aspiratedResidualMl: Math.round(c.expectedResidualNowMl * 10) / 10,
    volumeFilledMl: c.pump.reservoirMl,
    drugId: c.program.drugId,
    drugLot: 'BENCH-1',
    drugExpiresOn: `${new Date(now).getUTCFullYear() + 1}-12-31`,
    concentrationMcgPerMl: c.program.concentrationMcgPerMl,
    residualCheckedBeforeFill: true,
    needlePlacementConfirmed: true,
    templateUsed: true,
    fillConfirmationMethod: 'aspiration-back',
    confirmDiscrepancy: true,
    notes: 'benchmark',
  });
}

/**
 * Times `perSetting` refill visits under NORMAL, then as many under FULL, each on its own pump (so every visit is
 * a routine one), and restores the connection's setting.
 */
export function refillWriteLatency(db: Db, clinicId: number, pumpIds: number[], perSetting: number): RefillWriteLatency[] {
  const actor = nurseActor(db, clinicId);
  const before = String(db.$client.pragma('synchronous', { simple: true }));
  const out: RefillWriteLatency[] = [];
  let next = 0;
  try {
    for (const setting of ['NORMAL', 'FULL'] as const) {
      db.$client.pragma(`synchronous = ${setting}`);
      const samples: number[] = [];
      while (samples.length < perSetting && next < pumpIds.length) {
        const pumpId = pumpIds[next++]!;
        const now = Date.now();
        const input = refillOf(db, clinicId, pumpId, now);
        const started = performance.now();
        recordVisit(db, actor, pumpId, input, now);
        samples.push(performance.now() - started);
      }
      const { n, p50, p95, mean } = summarize(samples);
      out.push({ synchronous: setting, n, p50: round(p50, 2), p95: round(p95, 2), mean: round(mean, 2) });
    }
  } finally {
    db.$client.pragma(`synchronous = ${before}`);
  }
  return out;
}
