import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { adoptZoneTable, DAY_MS, isZoneTable, ZoneClock, zoneClock, zoneTable, type ZoneTable } from './zone';

// The oracle is the Temporal polyfill: its own reading of the runtime's tz database, with the wall-clock rules of
// the Temporal spec, and no host-local Date anywhere, so it is right whatever TZ the suite runs in (npm test runs it
// in UTC and in Australia/Lord_Howe). @date-fns/tz's TZDate, the oracle before, builds wall-clock times through the
// host's Date setters: in Lord_Howe it put times in that zone's own gap or repeated half hour 30 minutes off.
const zoned = (tz: string, at: number) => Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(tz);
const offsetMs = (tz: string, at: number) => zoned(tz, at).offsetNanoseconds / 1e6;

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

describe('ZoneClock agrees with the Temporal polyfill', () => {
  it('gives the same UTC offset and local date as Temporal.ZonedDateTime', () => {
    fc.assert(
      fc.property(instant, zone, (at, tz) => {
        const clock = zoneClock(tz, at);
        expect(clock.offsetAt(at)).toBe(offsetMs(tz, at));
        const local = zoned(tz, at);
        const day = Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
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
          expect(offsetMs(tz, at + 400 * DAY_MS)).toBe(offsetMs(tz, at));
          const next = zoned(tz, at).getTimeZoneTransition('next');
          expect(next === null || next.epochMilliseconds > at + 400 * DAY_MS).toBe(true);
          return;
        }
        expect(offsetMs(tz, t)).not.toBe(offsetMs(tz, t - 1));
        expect(offsetMs(tz, t - 1)).toBe(offsetMs(tz, at));
        expect(zoned(tz, at).getTimeZoneTransition('next')?.epochMilliseconds).toBe(t);
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
    // Lord Howe Island moves its clocks by 30 minutes: 02:00 (+11) back to 01:30 (+10:30) on the first Sunday of
    // April, 02:00 (+10:30) on to 02:30 (+11) on the first Sunday of October.
    expect(next('Australia/Lord_Howe', '2026-01-01T00:00:00Z')).toBe('2026-04-04T15:00:00.000Z');
    expect(next('Australia/Lord_Howe', '2026-04-05T00:00:00Z')).toBe('2026-10-03T15:30:00.000Z');
  });

  it('maps Lord Howe wall-clock times in the repeated and the skipped half hour', () => {
    const clock = zoneClock('Australia/Lord_Howe');
    const wall = (iso: string) => Date.parse(`${iso}Z`);
    const at = (wallIso: string) => new Date(clock.instantOfWall(wall(wallIso))).toISOString();
    // 01:45 on 5 April 2026 happens twice (+11, then +10:30): the first time.
    expect(at('2026-04-05T01:45:00')).toBe('2026-04-04T14:45:00.000Z');
    expect(at('2026-04-05T02:00:00')).toBe('2026-04-04T15:30:00.000Z');
    // 02:15 on 4 October 2026 never happens: the transition instant, when the clock jumps to 02:30.
    expect(at('2026-10-04T02:15:00')).toBe('2026-10-03T15:30:00.000Z');
    expect(at('2026-10-04T01:59:00')).toBe('2026-10-03T15:29:00.000Z');
    expect(at('2026-10-04T02:30:00')).toBe('2026-10-03T15:30:00.000Z');
    expect(clock.offsetAt(Date.parse('2026-10-03T15:29:59.999Z'))).toBe(10.5 * 3_600_000);
    expect(clock.offsetAt(Date.parse('2026-10-03T15:30:00.000Z'))).toBe(11 * 3_600_000);
  });

  it('converts wall-clock times like Temporal.ZonedDateTime.from does', () => {
    fc.assert(
      fc.property(instant, zone, (at, tz) => {
        const clock = zoneClock(tz, at);
        const wall = clock.wallAt(at);
        const t = clock.instantOfWall(wall);
        const d = new Date(wall);
        const fields = {
          timeZone: tz,
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
          second: d.getUTCSeconds(),
          millisecond: d.getUTCMilliseconds(),
        };
        // A wall time that occurs once maps back to its instant; a repeated one to its first occurrence (≤ at).
        expect(t).toBeLessThanOrEqual(at);
        expect(clock.wallAt(t)).toBe(wall);
        expect(t).toBe(Temporal.ZonedDateTime.from(fields, { disambiguation: 'earlier' }).epochMilliseconds);
        if (clock.wallAt(at - DAY_MS) + DAY_MS === wall && clock.wallAt(at + DAY_MS) - DAY_MS === wall) {
          expect(t).toBe(at);
          // 'reject' throws unless the wall time occurs exactly once.
          expect(Temporal.ZonedDateTime.from(fields, { disambiguation: 'reject' }).epochMilliseconds).toBe(at);
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

/** How many Intl.DateTimeFormat objects `run` makes. */
function intlFormattersMadeBy(run: () => void): number {
  const real = Intl.DateTimeFormat;
  let made = 0;
  Intl.DateTimeFormat = new Proxy(real, {
    construct(target, args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      made += 1;
      return new target(...args);
    },
  });
  try {
    run();
  } finally {
    Intl.DateTimeFormat = real;
  }
  return made;
}

describe('a zone table: the server reads the zone, the browser formats from what it read', () => {
  const span = { from: Date.UTC(2021, 0, 1), to: Date.UTC(2029, 0, 1) - 1 };
  /** A table of `tz` read by a clock of its own (not the cached one, which the adoption test must not find). */
  const tableOf = (tz: string): ZoneTable => {
    const reader = new ZoneClock(tz, null, span.from);
    reader.offsetAt(span.from);
    reader.offsetAt(span.to);
    return reader.table();
  };

  it('gives, inside its span, the offsets and days Temporal gives, without making an Intl formatter', () => {
    const tables = new Map(ZONES.map((tz) => [tz, tableOf(tz)]));
    const cases = fc.sample(fc.tuple(fc.integer({ min: span.from, max: span.to }), zone), 1000);
    const answers: [number, number][] = [];
    const made = intlFormattersMadeBy(() => {
      for (const [at, tz] of cases) {
        const clock = new ZoneClock(tz, null, at, tables.get(tz));
        answers.push([clock.offsetAt(at), clock.dayOf(at)]);
      }
    });
    expect(made).toBe(0);
    cases.forEach(([at, tz], i) => {
      const local = zoned(tz, at);
      expect(answers[i]).toEqual([offsetMs(tz, at), Date.UTC(local.year, local.month - 1, local.day) / DAY_MS]);
    });
  });

  it('reads Intl for an instant outside its span, and is right there too', () => {
    const clock = new ZoneClock('Europe/Berlin', null, span.from, tableOf('Europe/Berlin'));
    const before = Date.UTC(2010, 6, 1);
    const after = Date.UTC(2034, 0, 15);
    let offsets: number[] = [];
    const made = intlFormattersMadeBy(() => {
      offsets = [clock.offsetAt(before), clock.offsetAt(after)];
    });
    expect(offsets).toEqual([offsetMs('Europe/Berlin', before), offsetMs('Europe/Berlin', after)]);
    expect(made).toBe(1);
  });

  it('zoneTable covers the years asked for around an instant', () => {
    const at = Date.UTC(2026, 11, 7);
    // A zone no other test here reads, so that its clock holds only what zoneTable asked for.
    const table = zoneTable('America/Denver', at, 2, 1);
    expect(table.from).toBe(Date.UTC(2024, 0, 1));
    expect(table.to).toBe(Date.UTC(2027, 0, 1));
    // Denver changes its clocks twice a year: 2024, 2025 and 2026.
    expect(table.ats).toHaveLength(6);
    expect(table.ats.every((t) => t > table.from && t <= table.to)).toBe(true);
    expect(isZoneTable(table)).toBe(true);
  });

  it('is adopted as the zone’s clock once, and zoneClock then answers from it without Intl', () => {
    const table = tableOf('Pacific/Chatham');
    expect(adoptZoneTable(table)).toBe(true);
    expect(adoptZoneTable(table)).toBe(false); // the zone has a clock now
    const at = Date.UTC(2026, 3, 5, 13, 30);
    let offset = Number.NaN;
    const made = intlFormattersMadeBy(() => {
      offset = zoneClock('Pacific/Chatham').offsetAt(at);
    });
    expect(offset).toBe(offsetMs('Pacific/Chatham', at));
    expect(made).toBe(0);
  });

  it('refuses a table that does not hold together, and the zone is then read from Intl', () => {
    const good = tableOf('Asia/Kolkata');
    const broken: unknown[] = [
      null,
      'Asia/Kolkata',
      { ...good, timeZone: '' },
      { ...good, to: good.from },
      { ...good, offsetAtFrom: Number.NaN },
      { ...good, offsetAtFrom: DAY_MS },
      { ...good, ats: [good.from + 10, good.from + 5], offsets: [0, 0] },
      { ...good, ats: [good.to + 1], offsets: [0] },
      { ...good, ats: [good.from + 1], offsets: [] },
      { ...good, ats: [good.from + 1], offsets: ['0'] },
    ];
    for (const table of broken) {
      expect(isZoneTable(table)).toBe(false);
      expect(adoptZoneTable(table)).toBe(false);
    }
    expect(isZoneTable(good)).toBe(true);
  });
});
