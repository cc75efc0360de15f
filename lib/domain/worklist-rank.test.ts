/**
 * rankKeyValidUntil: until when a stored worklist rank key holds (decision 025). Worked examples, then two
 * properties: the status does not change before the instant (the key is never read stale), and in zones without
 * a skipped midnight one of its conditions changes exactly at it (the key is not thrown away early).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from './calendar';
import { rankKeyValidUntil, RANK_VALID_FOREVER, storedRankValidUntil, type RankCalendar, type RankedForecast } from './worklist-rank';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const utc: RankCalendar = { timeZone: 'UTC', dueSoonDays: 7 };
const now = Date.UTC(2026, 5, 1, 12); // Monday 2026-06-01 12:00 UTC

/** The four conditions of the worklist's status (db/queries/worklist-rank.ts statusSql) at `t`. */
function conditions(f: RankedForecast, t: number, clinic: RankCalendar): boolean[] {
  const today = localDateOf(t, clinic.timeZone);
  const tomorrowStart = localDateTimeToInstant(addDaysToLocalDate(today, 1), '00:00', clinic.timeZone);
  return [
    f.emptyAt != null && f.emptyAt <= t,
    f.lowReservoirAlarmAt != null && f.lowReservoirAlarmAt < tomorrowStart,
    f.refillDueOn < today,
    f.refillDueOn <= addDaysToLocalDate(today, clinic.dueSoonDays),
  ];
}

/** The status those conditions give, 0 empty … 4 ok: the first that holds. */
function status(f: RankedForecast, t: number, clinic: RankCalendar): number {
  const i = conditions(f, t, clinic).indexOf(true);
  return i < 0 ? 4 : i;
}

describe('rankKeyValidUntil', () => {
  it('holds until the due-soon window reaches the due date (due 2026-06-10, window 7 days: from 2026-06-03)', () => {
    expect(rankKeyValidUntil({ emptyAt: null, lowReservoirAlarmAt: null, refillDueOn: '2026-06-10' }, now, utc)).toBe(Date.UTC(2026, 5, 3));
  });

  it('holds until the midnight ending a due date of today (overdue from 2026-06-02)', () => {
    expect(rankKeyValidUntil({ emptyAt: null, lowReservoirAlarmAt: null, refillDueOn: '2026-06-01' }, now, utc)).toBe(Date.UTC(2026, 5, 2));
  });

  it("holds until the start of the alarm's day (alarm 2026-06-05 15:00: critical from 2026-06-05 00:00)", () => {
    const f = { emptyAt: null, lowReservoirAlarmAt: Date.UTC(2026, 5, 5, 15), refillDueOn: '2026-05-20' };
    expect(rankKeyValidUntil(f, now, utc)).toBe(Date.UTC(2026, 5, 5));
  });

  it('holds until the empty instant when that comes first', () => {
    const f = { emptyAt: now + 5 * HOUR, lowReservoirAlarmAt: now - DAY, refillDueOn: '2026-05-20' };
    expect(rankKeyValidUntil(f, now, utc)).toBe(now + 5 * HOUR);
  });

  it('holds for ever once the pump is empty, stored as 9999-12-31', () => {
    const f = { emptyAt: now - 1, lowReservoirAlarmAt: now - DAY, refillDueOn: '2026-05-20' };
    expect(rankKeyValidUntil(f, now, utc)).toBe(Number.POSITIVE_INFINITY);
    expect(storedRankValidUntil(f, now, utc)).toBe(RANK_VALID_FOREVER);
  });

  it("uses the clinic's midnight (Chicago, CDT: 05:00 UTC)", () => {
    const chicago = { timeZone: 'America/Chicago', dueSoonDays: 0 };
    expect(rankKeyValidUntil({ emptyAt: null, lowReservoirAlarmAt: null, refillDueOn: '2026-06-01' }, now, chicago)).toBe(Date.UTC(2026, 5, 2, 5));
  });

  it('ends no later than the first instant of a day whose midnight the clock skips (Santiago, 2026-09-06)', () => {
    const santiago = { timeZone: 'America/Santiago', dueSoonDays: 0 };
    const until = rankKeyValidUntil({ emptyAt: null, lowReservoirAlarmAt: null, refillDueOn: '2026-09-05' }, Date.UTC(2026, 8, 5, 12), santiago);
    expect(localDateOf(until - 1, santiago.timeZone)).toBe('2026-09-05');
    expect(localDateOf(until, santiago.timeZone)).toBe('2026-09-06');
  });

  const zones = ['UTC', 'America/Chicago', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Apia', 'America/St_Johns'];
  const instant = fc.integer({ min: Date.UTC(2011, 11, 20), max: Date.UTC(2027, 11, 31) });
  const forecastCase = fc.record({
    timeZone: fc.constantFrom(...zones),
    dueSoonDays: fc.integer({ min: 0, max: 21 }),
    now: instant,
    dueInDays: fc.integer({ min: -10, max: 40 }),
    alarmIn: fc.option(fc.integer({ min: -10 * DAY, max: 40 * DAY })),
    emptyAfterAlarm: fc.option(fc.integer({ min: -DAY, max: 20 * DAY })),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  const build = (c: { timeZone: string; dueSoonDays: number; now: number; dueInDays: number; alarmIn: number | null; emptyAfterAlarm: number | null }) => {
    const clinic = { timeZone: c.timeZone, dueSoonDays: c.dueSoonDays };
    const lowReservoirAlarmAt = c.alarmIn == null ? null : c.now + c.alarmIn;
    const f: RankedForecast = {
      lowReservoirAlarmAt,
      emptyAt: c.emptyAfterAlarm == null ? null : (lowReservoirAlarmAt ?? c.now) + c.emptyAfterAlarm,
      refillDueOn: addDaysToLocalDate(localDateOf(c.now, c.timeZone), c.dueInDays),
    };
    return { clinic, f };
  };

  it('the status does not change between the refresh and the end of the key', () => {
    fc.assert(
      fc.property(forecastCase, (c) => {
        const { clinic, f } = build(c);
        const until = Math.min(rankKeyValidUntil(f, c.now, clinic), c.now + 400 * DAY);
        const atRefresh = status(f, c.now, clinic);
        for (const t of [c.now, until - 1, c.now + Math.floor((until - 1 - c.now) * c.at)]) {
          if (t >= c.now) expect(status(f, t, clinic)).toBe(atRefresh);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a condition changes exactly at the end of the key where midnights are ordinary', () => {
    fc.assert(
      fc.property(forecastCase, fc.constantFrom('UTC', 'America/Chicago', 'Europe/Berlin'), (c, timeZone) => {
        const { clinic, f } = build({ ...c, timeZone });
        const until = rankKeyValidUntil(f, c.now, clinic);
        if (!Number.isFinite(until)) return;
        expect(until).toBeGreaterThan(c.now);
        expect(conditions(f, until, clinic)).not.toEqual(conditions(f, c.now, clinic));
      }),
      { numRuns: 2000 },
    );
  });
});
