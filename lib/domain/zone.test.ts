import { TZDate, tzOffset } from '@date-fns/tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS, zoneClock } from './zone';

// Zones with daylight saving in both hemispheres, half-hour offsets (St_Johns, Adelaide), a 30-minute DST shift
// (Lord_Howe), transitions at midnight (Santiago, Havana), Ramadan suspensions (Casablanca), none (Kolkata, UTC).
const ZONES = [
  'America/Chicago',
  'Europe/Berlin',
  'America/St_Johns',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/Havana',
  'Africa/Casablanca',
  'Asia/Kolkata',
  'UTC',
] as const;

const instant = fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2080, 0, 1) });
const zone = fc.constantFrom(...ZONES);

describe('ZoneClock agrees with @date-fns/tz', () => {
  it('gives the same UTC offset and local date as tzOffset / TZDate', () => {
    fc.assert(
      fc.property(instant, zone, (at, tz) => {
        const clock = zoneClock(tz, at);
        expect(clock.offsetAt(at)).toBe(Math.round(tzOffset(tz, new Date(at)) * MINUTE_MS));
        const local = new TZDate(at, tz);
        const day = Date.UTC(local.getFullYear(), local.getMonth(), local.getDate()) / DAY_MS;
        expect(clock.dayOf(at)).toBe(day);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds each transition to the millisecond', () => {
    fc.assert(
      fc.property(instant, zone, (at, tz) => {
        const clock = zoneClock(tz, at);
        const t = clock.nextTransitionAfter(at, at + 400 * DAY_MS);
        if (t === Infinity) {
          expect(tzOffset(tz, new Date(at + 400 * DAY_MS))).toBe(tzOffset(tz, new Date(at)));
          return;
        }
        expect(tzOffset(tz, new Date(t))).not.toBe(tzOffset(tz, new Date(t - 1)));
        expect(tzOffset(tz, new Date(t - 1))).toBe(tzOffset(tz, new Date(at)));
      }),
      { numRuns: 300 },
    );
  });

  it('knows exact transitions, including half-hour zones', () => {
    const next = (tz: string, from: string) => {
      const at = Date.parse(from);
      return new Date(zoneClock(tz, at).nextTransitionAfter(at, at + 366 * DAY_MS)).toISOString();
    };
    expect(next('America/Chicago', '2026-01-01T00:00:00Z')).toBe('2026-03-08T08:00:00.000Z');
    expect(next('America/Chicago', '2026-03-09T00:00:00Z')).toBe('2026-11-01T07:00:00.000Z');
    expect(next('Europe/Berlin', '2026-01-01T00:00:00Z')).toBe('2026-03-29T01:00:00.000Z');
    expect(next('America/St_Johns', '2026-01-01T00:00:00Z')).toBe('2026-03-08T05:30:00.000Z');
    expect(next('Australia/Adelaide', '2026-01-01T00:00:00Z')).toBe('2026-04-04T16:30:00.000Z');
  });

  it('converts unambiguous wall-clock times like TZDate does', () => {
    fc.assert(
      fc.property(instant, zone, (at, tz) => {
        const clock = zoneClock(tz, at);
        const wall = clock.wallAt(at);
        const t = clock.instantOfWall(wall);
        const d = new Date(wall);
        const viaTzDate = +new TZDate(
          d.getUTCFullYear(),
          d.getUTCMonth(),
          d.getUTCDate(),
          d.getUTCHours(),
          d.getUTCMinutes(),
          d.getUTCSeconds(),
          d.getUTCMilliseconds(),
          tz,
        );
        // A wall time that occurs once maps back to its instant; a repeated one to its first occurrence (≤ at).
        expect(t).toBeLessThanOrEqual(at);
        expect(clock.wallAt(t)).toBe(wall);
        if (clock.wallAt(at - DAY_MS) + DAY_MS === wall && clock.wallAt(at + DAY_MS) - DAY_MS === wall) {
          expect(t).toBe(at);
          expect(viaTzDate).toBe(at);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('starts each local day at its first instant, also when midnight is skipped', () => {
    // Santiago 2026-09-06: clocks go from 00:00 to 01:00 at 04:00Z, so that day starts at 01:00 local.
    const clock = zoneClock('America/Santiago');
    const day = Date.UTC(2026, 8, 6) / DAY_MS;
    expect(new Date(clock.dayStart(day)).toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(clock.dayOf(clock.dayStart(day))).toBe(day);
    expect(clock.dayOf(clock.dayStart(day) - 1)).toBe(day - 1);
  });
});
