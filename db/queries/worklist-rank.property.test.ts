/**
 * The stored rank key (decision 025) must order the worklist exactly as the ranking rule of decision 006 does,
 * and never be read once it is stale. The reference here is that rule written as the SQL ORDER BY the worklist
 * used before the key existed (tier, worst alert desc, status, appointment, due date, alarm, pump id), evaluated
 * live at the read instant over the same rows.
 *
 * Property: for random forecast rows (due dates, alarms and empty instants around clinic midnights, appointments,
 * stored alert ranks), zones with daylight-saving changes, due-soon windows, a refresh instant and a read instant
 * (before the refresh, minutes or days after it, or exactly at a key's end), rankWorklist returns the reference
 * order, counts and filtered pages, and every key it reads from the index equals the key computed live.
 */
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { createClinic, createPatient, createPump, DAY_MS, ensureCatalog } from '@/db/factories';
import * as s from '@/db/schema';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { RANK_VALID_FOREVER, storedRankValidUntil } from '@/lib/domain/worklist-rank';
import { freshDb } from '@/tests/db';
import { rankWorklist, worklistPagePlan, worklistStatuses } from './worklist';
import { alertRankSql, appointmentRankSql, clinicStatusSql, rankKeySql, storeRankKeys, tierSql } from './worklist-rank';

const zones = ['America/Chicago', 'Europe/Berlin', 'Pacific/Auckland', 'UTC', 'America/St_Johns', 'Australia/Lord_Howe', 'America/Santiago'];
const PUMPS_PER_CLINIC = 14;

let db: Db;
const clinics = new Map<string, { clinic: s.Clinic; pumpIds: number[] }>();

beforeAll(() => {
  db = freshDb();
  const catalog = ensureCatalog(db);
  let seq = 0;
  for (const timeZone of zones) {
    const clinic = createClinic(db, { timeZone, name: `Rank ${timeZone}` });
    const pumpIds: number[] = [];
    for (let i = 0; i < PUMPS_PER_CLINIC; i++) {
      seq++;
      const patient = createPatient(db, { clinicId: clinic.id, mrn: `RANK-${seq}` });
      const { pump } = createPump(db, {
        patientId: patient.id,
        model: catalog.models.get('8637-20')!,
        serial: `RK-${seq}`,
        implantedOn: '2025-06-01',
        program: {
          drugId: catalog.drugs.get('Lioresal Intrathecal')!.id,
          concentrationMcgPerMl: 500,
          mode: 'simple',
          doseMcgPerDay: 100,
        },
        filledAt: Date.UTC(2026, 0, 1),
        fillMl: 20,
      });
      pumpIds.push(pump.id);
    }
    clinics.set(timeZone, { clinic, pumpIds });
  }
});

// 2026-01-05 … 2027-12-31: both daylight-saving changes of every zone above, several times.
const instant = fc.integer({ min: Date.UTC(2026, 0, 5), max: Date.UTC(2027, 11, 31) });
/** Near a clinic midnight (the day boundaries of the status) or anywhere in a day. */
const offsetFromMidnight = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: DAY_MS - 1 }));

const rowCase = fc.record({
  dueInDays: fc.integer({ min: -20, max: 40 }),
  alarm: fc.option(fc.record({ inDays: fc.integer({ min: -20, max: 40 }), offset: offsetFromMidnight }), { freq: 6 }),
  empty: fc.option(fc.oneof(fc.integer({ min: 0, max: 20 * DAY_MS }), fc.integer({ min: -5 * DAY_MS, max: 30 * DAY_MS })), { freq: 4 }),
  appointment: fc.option(fc.record({ inDays: fc.integer({ min: -5, max: 60 }), late: fc.boolean() })),
  worstAlertRank: fc.integer({ min: 0, max: 4 }),
});

const caseArb = fc.record({
  timeZone: fc.constantFrom(...zones),
  dueSoonDays: fc.integer({ min: 0, max: 21 }),
  refreshAt: instant,
  rows: fc.array(rowCase, { minLength: PUMPS_PER_CLINIC, maxLength: PUMPS_PER_CLINIC }),
  read: fc.oneof(
    fc.record({ kind: fc.constant('after' as const), ms: fc.oneof(fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 0, max: 6 * DAY_MS })) }),
    fc.record({ kind: fc.constant('before' as const), ms: fc.integer({ min: 1, max: 2 * DAY_MS }) }),
    // Exactly at, or just before, the end of one row's key.
    fc.record({ kind: fc.constant('edge' as const), ms: fc.integer({ min: -1, max: 0 }), row: fc.nat({ max: PUMPS_PER_CLINIC - 1 }) }),
  ),
  statusFilter: fc.option(fc.constantFrom(...worklistStatuses)),
  pageSize: fc.integer({ min: 1, max: PUMPS_PER_CLINIC + 2 }),
  page: fc.integer({ min: 1, max: 4 }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** Writes the rows as refreshForecasts does: the forecast columns, the key's end, then the key. */
function store(c: Case) {
  const { clinic: stored, pumpIds } = clinics.get(c.timeZone)!;
  db.update(s.clinics).set({ dueSoonDays: c.dueSoonDays }).where(eq(s.clinics.id, stored.id)).run();
  const clinic = { ...stored, dueSoonDays: c.dueSoonDays };
  const today = localDateOf(c.refreshAt, c.timeZone);
  const midnight = (days: number) => localDateTimeToInstant(addDaysToLocalDate(today, days), '00:00', c.timeZone);
  db.delete(s.pumpForecasts).where(eq(s.pumpForecasts.clinicId, clinic.id)).run();
  const rows = c.rows.map((r, i) => {
    const lowReservoirAlarmAt = r.alarm ? midnight(r.alarm.inDays) + r.alarm.offset : null;
    const emptyAt = r.empty == null ? null : (lowReservoirAlarmAt ?? c.refreshAt) + r.empty;
    const refillDueOn = addDaysToLocalDate(today, r.dueInDays);
    return {
      pumpId: pumpIds[i]!,
      clinicId: clinic.id,
      lowReservoirAlarmAt,
      emptyAt,
      refillDueOn,
      stabilityExpiresOn: refillDueOn,
      dailyVolumeUl: 200,
      worstCaseDailyVolumeUl: 220,
      nextAppointmentAt: r.appointment ? midnight(r.appointment.inDays) + 9 * 3_600_000 : null,
      appointmentLate: r.appointment?.late ?? false,
      worstAlertRank: r.worstAlertRank,
      computedAt: c.refreshAt,
      rankValidUntil: storedRankValidUntil({ lowReservoirAlarmAt, emptyAt, refillDueOn }, c.refreshAt, clinic),
    };
  });
  db.insert(s.pumpForecasts).values(rows).run();
  storeRankKeys(db, clinic, c.refreshAt);
  const readAt =
    c.read.kind === 'after'
      ? c.refreshAt + c.read.ms
      : c.read.kind === 'before'
        ? c.refreshAt - c.read.ms
        : Math.min(rows[c.read.row]!.rankValidUntil, c.refreshAt + 400 * DAY_MS) + c.read.ms;
  return { clinic, readAt };
}

/** Decision 006's order as the worklist's SQL wrote it before the stored key: the reference. */
function reference(clinic: s.Clinic, now: number) {
  const { status } = clinicStatusSql(clinic, now);
  const alertRank = alertRankSql(status);
  const rank = tierSql(status, alertRank);
  const f = s.pumpForecasts;
  return db
    .select({ pumpId: f.pumpId, tier: rank, liveKey: rankKeySql(status), storedKey: f.rankKey, validUntil: f.rankValidUntil, computedAt: f.computedAt })
    .from(f)
    .where(eq(f.clinicId, clinic.id))
    .orderBy(rank, sql`${alertRank} desc`, status, appointmentRankSql, f.refillDueOn, f.lowReservoirAlarmAt, f.pumpId)
    .all();
}

describe('the stored worklist rank key', () => {
  it('ranks, counts and pages exactly as the rule of decision 006, and is never read stale', () => {
    let readFromIndex = 0;
    let rankedLive = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const { clinic, readAt } = store(c);
        const expected = reference(clinic, readAt);

        // Every key the worklist reads from the index (fresh at readAt) is the key at readAt.
        for (const r of expected) {
          const fresh = r.computedAt <= readAt && r.validUntil > readAt;
          if (fresh) {
            readFromIndex++;
            expect(r.storedKey, `pump ${r.pumpId} at ${readAt}`).toBe(r.liveKey);
          } else rankedLive++;
        }

        const all = rankWorklist(db, clinic, { pageSize: 200 }, readAt);
        expect(all.pumpIds).toEqual(expected.map((r) => r.pumpId));
        const counts = Object.fromEntries(worklistStatuses.map((st, i) => [st, expected.filter((r) => r.tier === i).length]));
        expect(all.counts).toEqual(counts);
        expect(all.total).toBe(expected.length);

        const inTier = c.statusFilter ? expected.filter((r) => r.tier === worklistStatuses.indexOf(c.statusFilter!)) : expected;
        const page = rankWorklist(db, clinic, { pageSize: c.pageSize, page: c.page, status: c.statusFilter ?? undefined }, readAt);
        expect(page.pumpIds).toEqual(inTier.slice((c.page - 1) * c.pageSize, c.page * c.pageSize).map((r) => r.pumpId));
        expect(page.total).toBe(inTier.length);
      }),
      { numRuns: 250 },
    );
    // Both paths were exercised, not only one of them.
    expect(readFromIndex).toBeGreaterThan(500);
    expect(rankedLive).toBeGreaterThan(100);
  }, 120_000);

  it('keys sort as the rule for alarms far from now, negative ones and none', () => {
    const { clinic, pumpIds } = clinics.get('UTC')!;
    const now = Date.UTC(2026, 5, 1);
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 - 2 ** 53 / 2 })), { minLength: pumpIds.length, maxLength: pumpIds.length }),
        (alarms) => {
          db.delete(s.pumpForecasts).where(eq(s.pumpForecasts.clinicId, clinic.id)).run();
          db.insert(s.pumpForecasts)
            .values(
              alarms.map((lowReservoirAlarmAt, i) => ({
                pumpId: pumpIds[i]!,
                clinicId: clinic.id,
                lowReservoirAlarmAt,
                emptyAt: null,
                // Same tier, alert, status and due date: the alarm decides.
                refillDueOn: '2027-01-01',
                stabilityExpiresOn: '2027-01-01',
                dailyVolumeUl: 1,
                worstCaseDailyVolumeUl: 1,
                worstAlertRank: 2,
                computedAt: now,
                rankValidUntil: RANK_VALID_FOREVER,
              })),
            )
            .run();
          storeRankKeys(db, clinic, now);
          const expected = reference(clinic, now).map((r) => r.pumpId);
          expect(rankWorklist(db, { ...clinic }, { pageSize: 200 }, now).pumpIds).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);

  it('reads the first page from the index (clinic_id, rank_key) in its order, without sorting the table', () => {
    const { clinic } = clinics.get('Europe/Berlin')!;
    for (const filter of [{}, { status: 'overdue' as const }, { view: 'today' as const }]) {
      const plan = worklistPagePlan(db, clinic, filter, Date.UTC(2026, 5, 1)).join('\n');
      expect(plan).toMatch(/USING (COVERING )?INDEX pump_forecasts_rank_key_idx/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });
});
