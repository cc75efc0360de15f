/**
 * A fast, cached view of one IANA time zone for the forecast engine.
 *
 * The zone's rules come only from the runtime's tz database, through `Intl.DateTimeFormat` with an explicit
 * `timeZone` printing the UTC offset at an instant. No `Date` local getter or setter is involved anywhere here, so
 * the server's own TZ cannot shift anything (decision 023: why not @date-fns/tz).
 *
 * Reading the offset costs a few µs (an `Intl.DateTimeFormat#format` call), and the engine must forecast
 * 10,000 pumps in well under 100 ms, so it is sampled once per zone and year to find every UTC-offset transition to
 * the millisecond. After that an offset is a binary search in a short array, and a wall-clock time is
 * `instant + offset` on each side of a transition. zone.test.ts checks this against the Temporal polyfill.
 *
 * Wall-clock values are "local epoch ms": the local date and time read as if they were UTC, so that
 * `Math.floor(wall / DAY_MS)` is the local day number (days since 1970-01-01).
 */
import { InvalidTimeZoneError } from './errors';
import type { EpochMs } from './types';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/**
 * Offsets are sampled every 3 days, then each change is bisected to the millisecond. Two transitions inside one
 * sample step would cancel out unseen; scanning every zone the runtime knows (418) day by day over 1970–2100 found
 * the closest pair 7 days apart (America/Boa_Vista, October 2000), so 3 days cannot miss one. Daily sampling would
 * triple the one-off cost per zone and year (~0.2 ms → ~0.6 ms).
 */
const SAMPLE_STEP_MS = 3 * DAY_MS;

function yearStartUtc(year: number): number {
  return Date.UTC(year, 0, 1);
}

/** Formatter of a zone's UTC offset; throws RangeError for a zone the runtime does not know. */
function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  // "longOffset" prints the offset itself, `1/1/2026, GMT+10:30` (`GMT-03:30:52` for a local mean time): no date
  // arithmetic, and it costs a third of reading the wall-clock fields with formatToParts.
  return new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
}

/** UTC offset in ms of `formatter`'s zone at an instant, positive east of Greenwich. */
function intlOffsetMs(formatter: Intl.DateTimeFormat, at: number): number {
  const text = formatter.format(at);
  const i = text.lastIndexOf('GMT');
  if (i < 0) throw new Error(`Cannot read a UTC offset from "${text}"`);
  const offset = text.slice(i + 3); // "", "+10:30", "-03:30:52"
  if (offset === '') return 0;
  const sign = offset[0] === '-' || offset[0] === '\u2212' ? -1 : 1;
  const [h = '0', m = '0', sec = '0'] = offset.slice(1).split(':');
  const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(sec)) * 1000;
  if (!Number.isFinite(ms)) throw new Error(`Cannot read a UTC offset from "${text}"`);
  return sign * ms;
}

/**
 * A zone's UTC offsets over a span, as one runtime's tz database gives them: what the server hands the browser with
 * a page, so that the page formats its times without `Intl` at load (the first `Intl.DateTimeFormat` a page creates
 * loads ICU's locale and zone data, the longest part of hydrating the worklist on a phone: docs/performance.md) and
 * with the server's tz rules rather than an older browser's, so server and browser print the same time.
 */
export interface ZoneTable {
  timeZone: string;
  /** The span covered, in epoch ms: every transition in (from, to] is listed. */
  from: EpochMs;
  to: EpochMs;
  /** The offset (ms) in effect at `from`. */
  offsetAtFrom: number;
  /** Transition instants, ascending, and the offset (ms) from each one on. */
  ats: EpochMs[];
  offsets: number[];
}

export class ZoneClock {
  readonly timeZone: string;
  /** Made when an instant outside the known span is asked for (never, for a clock made from a covering table). */
  private formatter: Intl.DateTimeFormat | null;
  /** Transition instants, ascending, and the offset (ms) from each one on. */
  private readonly ats: number[] = [];
  private readonly offsetsAfter: number[] = [];
  /** Sampled range [coverStart, coverEnd]; transitions in (coverStart, coverEnd] are all known. */
  private coverStart: number;
  private coverEnd: number;
  /** Offset in effect at `coverStart`. */
  private startOffset: number;

  /** A clock that reads `formatter` for the year of `firstInstant` at once, or starts from a table (`zoneTable`). */
  constructor(timeZone: string, formatter: Intl.DateTimeFormat | null, firstInstant: EpochMs, table?: ZoneTable) {
    this.timeZone = timeZone;
    this.formatter = formatter;
    if (table) {
      this.coverStart = table.from;
      this.coverEnd = table.to;
      this.startOffset = table.offsetAtFrom;
      this.ats.push(...table.ats);
      this.offsetsAfter.push(...table.offsets);
      return;
    }
    const year = new Date(firstInstant).getUTCFullYear();
    this.coverStart = yearStartUtc(year);
    this.coverEnd = this.coverStart;
    this.startOffset = this.rawOffsetMs(this.coverStart);
    this.extendForward(yearStartUtc(year + 1));
  }

  private rawOffsetMs(at: number): number {
    this.formatter ??= offsetFormatter(this.timeZone);
    return intlOffsetMs(this.formatter, at);
  }

  /** Everything this clock knows, for `adoptZoneTable` in another runtime. */
  table(): ZoneTable {
    return {
      timeZone: this.timeZone,
      from: this.coverStart,
      to: this.coverEnd,
      offsetAtFrom: this.startOffset,
      ats: [...this.ats],
      offsets: [...this.offsetsAfter],
    };
  }

  /** Transitions in (from, to] found by daily sampling and bisection to the millisecond. */
  private scan(from: number, to: number): { ats: number[]; offsets: number[] } {
    const ats: number[] = [];
    const offsets: number[] = [];
    let prevAt = from;
    let prevOffset = this.rawOffsetMs(from);
    while (prevAt < to) {
      const at = Math.min(prevAt + SAMPLE_STEP_MS, to);
      const offset = this.rawOffsetMs(at);
      if (offset !== prevOffset) {
        let lo = prevAt;
        let hi = at;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.rawOffsetMs(mid) === prevOffset) lo = mid;
          else hi = mid;
        }
        ats.push(hi);
        offsets.push(this.rawOffsetMs(hi));
      }
      prevAt = at;
      prevOffset = offset;
    }
    return { ats, offsets };
  }

  private extendForward(to: number): void {
    const { ats, offsets } = this.scan(this.coverEnd, to);
    this.ats.push(...ats);
    this.offsetsAfter.push(...offsets);
    this.coverEnd = to;
  }

  private extendBackward(from: number): void {
    const { ats, offsets } = this.scan(from, this.coverStart);
    this.ats.unshift(...ats);
    this.offsetsAfter.unshift(...offsets);
    this.coverStart = from;
    this.startOffset = this.rawOffsetMs(from);
  }

  /** Makes sure every transition up to and including `at` (and back to `at`) is known. */
  private cover(at: number): void {
    if (at < this.coverStart) {
      this.extendBackward(yearStartUtc(new Date(at).getUTCFullYear()));
    }
    if (at > this.coverEnd) {
      this.extendForward(yearStartUtc(new Date(at).getUTCFullYear() + 1));
    }
  }

  /** Index of the last transition at or before `at`, or -1. */
  private indexAtOrBefore(at: number): number {
    const ats = this.ats;
    let lo = 0;
    let hi = ats.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ats[mid]! <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** UTC offset in milliseconds at an instant (positive east of Greenwich). */
  offsetAt(at: EpochMs): number {
    this.cover(at);
    const i = this.indexAtOrBefore(at);
    return i < 0 ? this.startOffset : this.offsetsAfter[i]!;
  }

  /** Local wall-clock ms of an instant. */
  wallAt(at: EpochMs): number {
    return at + this.offsetAt(at);
  }

  /** Local day number (days since 1970-01-01 in the zone's calendar) of an instant. */
  dayOf(at: EpochMs): number {
    return Math.floor(this.wallAt(at) / DAY_MS);
  }

  /**
   * The first transition strictly after `at` and at or before `limit`, or `Infinity`. Scans forward only as far
   * as `limit`, so a zone without daylight saving costs one scan per year up to the forecast horizon, once.
   */
  nextTransitionAfter(at: EpochMs, limit: EpochMs): number {
    this.cover(at);
    for (;;) {
      const i = this.indexAtOrBefore(at) + 1;
      if (i < this.ats.length) {
        const t = this.ats[i]!;
        return t <= limit ? t : Infinity;
      }
      if (this.coverEnd >= limit) return Infinity;
      this.extendForward(yearStartUtc(new Date(this.coverEnd).getUTCFullYear() + 1));
    }
  }

  /** Offset before and after the first transition in (from, to], or null when there is none. */
  transitionIn(
    from: EpochMs,
    to: EpochMs,
  ): { at: EpochMs; offsetBefore: number; offsetAfter: number } | null {
    const at = this.nextTransitionAfter(from, to);
    if (at === Infinity) return null;
    return { at, offsetBefore: this.offsetAt(at - 1), offsetAfter: this.offsetAt(at) };
  }

  /**
   * The instant a local wall-clock time occurs.
   * - Ambiguous (the repeated hour when clocks go back): the earlier instant, the first time the clock shows it.
   * - Nonexistent (the hour skipped when clocks go forward): the transition instant, the first instant after the
   *   gap. At that instant the clock already reads past the requested time, so a flex step or bolus scheduled in
   *   the gap takes effect as soon as the clock has passed its time. (Temporal's default, like TZDate's, instead
   *   shifts forward by the gap length, 02:30 → 03:30, which would run the previous step 30 minutes past a time
   *   the clock has shown.)
   * Assumes at most one transition within ±24 h, which holds for every real zone.
   */
  instantOfWall(wall: number): EpochMs {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    if (before === after) return wall - before;
    const uBefore = wall - before;
    const uAfter = wall - after;
    const validBefore = this.offsetAt(uBefore) === before;
    const validAfter = this.offsetAt(uAfter) === after;
    if (validBefore && validAfter) return Math.min(uBefore, uAfter);
    if (validBefore) return uBefore;
    if (validAfter) return uAfter;
    return this.nextTransitionAfter(wall - DAY_MS, wall + DAY_MS);
  }

  /** The first instant of a local day. */
  dayStart(day: number): EpochMs {
    return this.instantOfWall(day * DAY_MS);
  }
}

const clocks = new Map<string, ZoneClock>();

/** The cached clock of a zone; throws InvalidTimeZoneError for a zone the runtime does not know. */
export function zoneClock(timeZone: string, nearInstant: EpochMs = Date.UTC(2026, 0, 1)): ZoneClock {
  const cached = clocks.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    // Intl rejects unknown zones (and, on Node 20, offsets such as "+05:00") with a RangeError.
    formatter = offsetFormatter(timeZone);
  } catch {
    throw new InvalidTimeZoneError('timeZone', `Unknown time zone "${timeZone}"`, { timeZone });
  }
  const clock = new ZoneClock(timeZone, formatter, nearInstant);
  clocks.set(timeZone, clock);
  return clock;
}

/**
 * The table of a zone's offsets covering at least the start of the year `yearsBack` years before `at` to the start
 * of the year `yearsAhead` years after it (server side: from this runtime's tz database). It is everything this
 * runtime's clock of the zone knows, so a clock that forecasts or history already took further gives a wider span.
 * Throws InvalidTimeZoneError for an unknown zone.
 */
export function zoneTable(timeZone: string, at: EpochMs, yearsBack = 5, yearsAhead = 3): ZoneTable {
  const clock = zoneClock(timeZone, at);
  const year = new Date(at).getUTCFullYear();
  clock.offsetAt(yearStartUtc(year - yearsBack));
  clock.offsetAt(yearStartUtc(year + yearsAhead) - 1);
  return clock.table();
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Whether a value is a table that holds together: a span, ascending transitions inside it, offsets under a day. */
export function isZoneTable(value: unknown): value is ZoneTable {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<Record<keyof ZoneTable, unknown>>;
  if (typeof t.timeZone !== 'string' || t.timeZone === '') return false;
  if (!finite(t.from) || !finite(t.to) || t.from >= t.to) return false;
  const offsetOk = (x: unknown) => finite(x) && Math.abs(x) < DAY_MS;
  if (!offsetOk(t.offsetAtFrom) || !Array.isArray(t.ats) || !Array.isArray(t.offsets)) return false;
  if (t.ats.length !== t.offsets.length) return false;
  let previous = t.from;
  for (let i = 0; i < t.ats.length; i++) {
    const at: unknown = t.ats[i];
    if (!finite(at) || at <= previous || at > t.to || !offsetOk(t.offsets[i])) return false;
    previous = at;
  }
  return true;
}

/**
 * Makes a table from `zoneTable` (another runtime's) this runtime's clock of that zone, unless it already has one
 * (the server, which made it). Instants outside the table are read from `Intl` as before. A value that is not a
 * table holding together is ignored: the clock is then made from `Intl` when first asked for. Returns whether the
 * table was adopted.
 */
export function adoptZoneTable(table: unknown): boolean {
  if (!isZoneTable(table) || clocks.has(table.timeZone)) return false;
  clocks.set(table.timeZone, new ZoneClock(table.timeZone, null, table.from, table));
  return true;
}
