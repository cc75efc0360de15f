/**
 * Volume integration in elapsed time.
 *
 * `consumed(t)` is the volume delivered from the refill instant t0 to t: the integral of the rate plus every bolus
 * drop at an instant τ with t0 < τ ≤ t (right-continuous: the volume at a bolus instant is after the drop). Program
 * versions switch exactly at their start instant; a drop at that instant belongs to the version starting there.
 *
 * Delivery that follows the clinic clock is integrated day by day between the real instants of each local day's
 * step starts and bolus times, so a spring-forward day lasts 23 h and an autumn day 25 h. For speed, runs of
 * ordinary days (starting at local midnight, 24 h, no offset change) are skipped in one multiplication: such a day
 * delivers exactly the profile's 24 h volume. Only the first partial day, transition days and the day of the crossing are scanned step by step, so
 * the cost per pump is a few dozen operations however long the interval.
 */
import { DomainError } from './errors';
import type { CompiledVersion, DayProfile, Schedule } from './program';
import type { EpochMs } from './types';
import { DAY_MS, type ZoneClock } from './zone';

interface Acc {
  consumed: number;
  /** Crossing instant, NaN while not reached. */
  at: number;
}

/**
 * Real instants of one local day's step starts and bolus times. On an ordinary day (starting at local midnight,
 * 24 h, constant offset) each is `start + wall`; on a transition day they go through the zone's rules (gap → after
 * the gap; repeated hour → first time). Plain fields, not closures: this runs for every scanned day of every pump.
 */
interface DayEvents {
  ordinary: boolean;
  start: number;
  steps: number[];
  boluses: number[];
}

/** Fills `ev` (one object reused across the days of a walk) with the events of one local day. */
function dayEvents(
  ev: DayEvents,
  zone: ZoneClock,
  p: DayProfile,
  day: number,
  start: number,
  nextStart: number,
): DayEvents {
  if (
    nextStart - start === DAY_MS &&
    zone.wallAt(start) === day * DAY_MS &&
    zone.nextTransitionAfter(start, nextStart - 1) === Infinity
  ) {
    ev.ordinary = true;
    ev.start = start;
    ev.steps = p.stepWallMs;
    ev.boluses = p.bolusWallMs;
    return ev;
  }
  const midnight = day * DAY_MS;
  ev.ordinary = false;
  ev.start = 0;
  ev.steps = p.stepWallMs.map((w) => zone.instantOfWall(midnight + w));
  ev.boluses = p.bolusWallMs.map((w) => zone.instantOfWall(midnight + w));
  return ev;
}

/**
 * Scans [lo, hi) of one local day (plus the drop at hi when `dropAtHi`), adding to `acc.consumed` until `amount`
 * is reached. Returns true when it is reached (`acc.at` set).
 */
function scanDay(
  ev: DayEvents,
  p: DayProfile,
  base: number,
  lo: number,
  hi: number,
  skipDropAtLo: boolean,
  dropAtHi: boolean,
  amount: number,
  acc: Acc,
): boolean {
  // On an ordinary day `shift` turns a wall time into an instant; on a transition day the arrays hold instants.
  const shift = ev.ordinary ? ev.start : 0;
  const steps = ev.steps;
  const boluses = ev.boluses;
  const nS = steps.length;
  const nB = boluses.length;
  let iS = 0;
  while (iS < nS && steps[iS]! + shift <= lo) iS++;
  let rate = (iS === 0 ? p.wrapMlPerMs : p.stepMlPerMs[iS - 1]!) + base;
  let iB = 0;
  while (iB < nB && (boluses[iB]! + shift < lo || (skipDropAtLo && boluses[iB]! + shift === lo))) iB++;

  let pos = lo;
  for (;;) {
    const ts = iS < nS ? steps[iS]! + shift : Infinity;
    const tb = iB < nB ? boluses[iB]! + shift : Infinity;
    const evt = Math.min(ts, tb, hi);
    if (evt > pos) {
      const need = amount - acc.consumed;
      if (rate > 0 && rate * (evt - pos) >= need) {
        acc.at = pos + need / rate;
        acc.consumed = amount;
        return true;
      }
      acc.consumed += rate * (evt - pos);
      pos = evt;
    }
    if (tb === evt && (tb < hi || dropAtHi)) {
      acc.consumed += p.bolusMl[iB]!;
      iB++;
      if (acc.consumed >= amount) {
        acc.at = evt;
        return true;
      }
      continue;
    }
    if (ts === evt && ts < hi) {
      rate = p.stepMlPerMs[iS]! + base;
      iS++;
      continue;
    }
    return false;
  }
}

function walkProfile(
  s: Schedule,
  v: CompiledVersion,
  p: DayProfile,
  a: number,
  b: number,
  includeEnd: boolean,
  amount: number,
  acc: Acc,
): boolean {
  const zone = s.zone;
  const base = v.baseMlPerMs;
  const ordinaryDayMl = p.dayMl + base * DAY_MS;
  let cur = a;
  let day = zone.dayOf(a);
  let skipDropAtCur = a === s.t0;
  const events: DayEvents = { ordinary: true, start: 0, steps: p.stepWallMs, boluses: p.bolusWallMs };

  for (;;) {
    const start = zone.dayStart(day);
    // Skip whole ordinary days: from a day that starts at local midnight (a day whose midnight the clocks skip
    // starts at 01:00 and lasts 23 h), up to the next offset change, b, and the target.
    if (cur === start && cur < b && !skipDropAtCur && zone.wallAt(start) === day * DAY_MS) {
      let n = Math.floor((b - start) / DAY_MS);
      const transition = zone.nextTransitionAfter(start, b);
      if (transition !== Infinity) n = Math.min(n, Math.ceil((transition - start) / DAY_MS) - 1);
      if (ordinaryDayMl > 0 && amount !== Infinity) {
        n = Math.min(n, Math.ceil((amount - acc.consumed) / ordinaryDayMl) - 1);
        while (n > 0 && acc.consumed + n * ordinaryDayMl >= amount) n--; // floating-point guard
      }
      if (n > 0) {
        acc.consumed += n * ordinaryDayMl;
        cur = start + n * DAY_MS;
        day += n;
        continue;
      }
    }
    const nextStart = zone.dayStart(day + 1);
    if (nextStart <= cur) {
      // Only a zone with two offset changes within 48 h could do this; stop rather than loop.
      throw new DomainError(
        `Time zone ${zone.timeZone} gave a day ${day + 1} that does not start after ${cur}`,
        {
          timeZone: zone.timeZone,
          day,
        },
      );
    }
    const hi = Math.min(nextStart, b);
    const dropAtHi = includeEnd && hi === b && b < nextStart;
    const ev = dayEvents(events, zone, p, day, start, nextStart);
    if (scanDay(ev, p, base, cur, hi, skipDropAtCur, dropAtHi, amount, acc)) return true;
    if (hi === b && !(includeEnd && b === nextStart)) return false;
    cur = nextStart;
    day++;
    skipDropAtCur = false;
  }
}

/**
 * Walks the schedule from t0 to `limit`, stopping early when `amount` has been delivered.
 * `includeEnd`: count a drop at exactly `limit` (for "volume at t").
 */
function walk(s: Schedule, amount: number, limit: number, includeEnd: boolean): Acc {
  const acc: Acc = { consumed: 0, at: NaN };
  if (amount <= 0) {
    acc.at = s.t0;
    return acc;
  }
  for (const v of s.versions) {
    if (v.start > limit) break;
    const endsHere = v.end > limit;
    const a = v.start;
    const b = endsHere ? limit : v.end;
    if (v.profile === null) {
      const rate = v.baseMlPerMs;
      const need = amount - acc.consumed;
      if (rate > 0 && rate * (b - a) >= need) {
        acc.at = a + need / rate;
        acc.consumed = amount;
        return acc;
      }
      acc.consumed += rate * (b - a);
    } else if (walkProfile(s, v, v.profile, a, b, endsHere && includeEnd, amount, acc)) {
      return acc;
    }
    if (endsHere) break;
  }
  return acc;
}

/** Volume delivered from the refill to `at` inclusive (0 before the refill). */
export function consumedUntil(s: Schedule, at: EpochMs): number {
  if (at <= s.t0) return 0;
  return walk(s, Infinity, at, true).consumed;
}

/**
 * The first instant at which `amount` mL has been delivered since the refill (t0 itself for amount ≤ 0), not
 * rounded; `null` when that is later than `limit`.
 */
export function instantWhenConsumed(s: Schedule, amount: number, limit: EpochMs): number | null {
  const acc = walk(s, amount, limit, true);
  return Number.isNaN(acc.at) || acc.at > limit ? null : acc.at;
}
