import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  observedHoliday,
  addDaysToLocalDate,
  addMonthsToDayNumber,
  addMonthsToLocalDate,
  dayNumberOf,
  daysBetween,
  formatInstantIso,
  isClinicDay,
  isoWeekdayOf,
  latestClinicDayOnOrBefore,
  localDateOf,
  localDateOfDayNumber,
  localDateTimeToInstant,
  minutesOfLocalTime,
} from './calendar';
import { InvalidInputError, InvalidTimeZoneError, NoClinicDayError } from './errors';

// Temporal.PlainDate (the polyfill) is the oracle for plain calendar arithmetic: a date with no time and no zone,
// so the host TZ cannot shift it. Months are added with its default overflow 'constrain' (31 Aug + 6 = 28/29 Feb).
const plain = (d: string) => Temporal.PlainDate.from(d);
const anyDate = fc
  .integer({ min: dayNumberOf('1990-01-01'), max: dayNumberOf('2120-12-31') })
  .map((d) => localDateOfDayNumber(d));

describe('local date arithmetic agrees with Temporal.PlainDate', () => {
  it('adds days', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -2000, max: 2000 }), (d, n) => {
        expect(addDaysToLocalDate(d, n)).toBe(plain(d).add({ days: n }).toString());
      }),
    );
  });

  it('gives the ISO weekday', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        expect(isoWeekdayOf(d)).toBe(plain(d).dayOfWeek);
      }),
    );
    expect(isoWeekdayOf('2026-04-06')).toBe(1); // a Monday
    expect(isoWeekdayOf('2026-04-12')).toBe(7); // a Sunday
  });

  it('counts days between dates', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        expect(daysBetween(a, b)).toBe(plain(a).until(plain(b), { largestUnit: 'days' }).days);
      }),
    );
  });

  it('adds months, clamping to the end of the month', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -120, max: 120 }), (d, n) => {
        expect(localDateOfDayNumber(addMonthsToDayNumber(dayNumberOf(d), n))).toBe(plain(d).add({ months: n }).toString());
      }),
    );
    expect(localDateOfDayNumber(addMonthsToDayNumber(dayNumberOf('2025-08-31'), 6))).toBe('2026-02-28');
  });

  it('rejects malformed and impossible dates with the field named', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '26-01-01', '2026-1-01', '2026/01/01', '']) {
      expect(() => dayNumberOf(bad, 'holidays')).toThrow(InvalidInputError);
    }
    expect(() => dayNumberOf('2026-02-30', 'pump.implantedOn')).toThrow(/pump\.implantedOn/);
    expect(dayNumberOf('2024-02-29')).toBe(dayNumberOf('2024-03-01') - 1);
  });
});

describe('latestClinicDayOnOrBefore', () => {
  const policy = { clinicWeekdays: [1, 2, 3, 4, 5], holidays: ['2026-07-03', '2026-12-25'] };

  it('moves a weekend or holiday EARLIER, never later', () => {
    expect(latestClinicDayOnOrBefore('2026-07-04', policy)).toBe('2026-07-02'); // Sat, Fri is a holiday
    expect(latestClinicDayOnOrBefore('2026-07-05', policy)).toBe('2026-07-02'); // Sun
    expect(latestClinicDayOnOrBefore('2026-07-06', policy)).toBe('2026-07-06'); // Mon stays
    expect(latestClinicDayOnOrBefore('2026-12-25', policy)).toBe('2026-12-24');
  });

  it('returns the latest clinic day on or before the date, for any calendar', () => {
    fc.assert(
      fc.property(
        anyDate,
        fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 10 }),
        (d, weekdays, holidayOffsets) => {
          const p = {
            clinicWeekdays: weekdays,
            holidays: holidayOffsets.map((o) => addDaysToLocalDate(d, -o)),
          };
          const r = latestClinicDayOnOrBefore(d, p);
          expect(daysBetween(r, d)).toBeGreaterThanOrEqual(0);
          expect(isClinicDay(r, p)).toBe(true);
          for (let x = r; x !== d;) {
            x = addDaysToLocalDate(x, 1);
            expect(isClinicDay(x, p)).toBe(false);
          }
        },
      ),
    );
  });

  it('refuses a clinic with no refill weekdays instead of searching forever', () => {
    expect(() => latestClinicDayOnOrBefore('2026-07-04', { clinicWeekdays: [], holidays: [] })).toThrow(
      NoClinicDayError,
    );
    expect(() => latestClinicDayOnOrBefore('2026-07-04', { clinicWeekdays: [8], holidays: [] })).toThrow(
      InvalidInputError,
    );
  });

  it('notices a policy array changed in place', () => {
    const p = { clinicWeekdays: [1, 2, 3, 4, 5], holidays: [] as string[] };
    expect(latestClinicDayOnOrBefore('2026-07-03', p)).toBe('2026-07-03');
    p.holidays.push('2026-07-03');
    expect(latestClinicDayOnOrBefore('2026-07-03', p)).toBe('2026-07-02');
  });
});

describe('instants and clinic-local dates', () => {
  it('gives the clinic-local date of an instant', () => {
    const at = Date.parse('2026-04-07T03:30:00Z');
    expect(localDateOf(at, 'UTC')).toBe('2026-04-07');
    expect(localDateOf(at, 'America/Chicago')).toBe('2026-04-06'); // 22:30 CDT the evening before
    expect(localDateOf(at, 'Asia/Tokyo')).toBe('2026-04-07');
  });

  it('converts an ordinary local date and time', () => {
    expect(localDateTimeToInstant('2026-04-07', '09:00', 'America/Chicago')).toBe(
      Date.parse('2026-04-07T09:00:00-05:00'),
    );
    expect(localDateTimeToInstant('2026-01-07', '09:00', 'America/Chicago')).toBe(
      Date.parse('2026-01-07T09:00:00-06:00'),
    );
  });

  it('maps a time in the spring-forward gap to the first instant after the gap', () => {
    // Chicago 2026-03-08: 02:00 CST jumps to 03:00 CDT at 08:00Z; 02:30 does not exist.
    expect(localDateTimeToInstant('2026-03-08', '02:30', 'America/Chicago')).toBe(
      Date.parse('2026-03-08T08:00:00Z'),
    );
    expect(localDateTimeToInstant('2026-03-08', '02:00', 'America/Chicago')).toBe(
      Date.parse('2026-03-08T08:00:00Z'),
    );
    expect(localDateTimeToInstant('2026-03-08', '03:00', 'America/Chicago')).toBe(
      Date.parse('2026-03-08T08:00:00Z'),
    );
    expect(localDateTimeToInstant('2026-03-08', '01:59', 'America/Chicago')).toBe(
      Date.parse('2026-03-08T07:59:00Z'),
    );
    // Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z.
    expect(localDateTimeToInstant('2026-03-29', '02:30', 'Europe/Berlin')).toBe(
      Date.parse('2026-03-29T01:00:00Z'),
    );
  });

  it('maps a time in the repeated autumn hour to its first occurrence', () => {
    // Chicago 2026-11-01: 01:30 happens at 06:30Z (CDT) and again at 07:30Z (CST).
    expect(localDateTimeToInstant('2026-11-01', '01:30', 'America/Chicago')).toBe(
      Date.parse('2026-11-01T06:30:00Z'),
    );
    expect(localDateTimeToInstant('2026-10-25', '02:30', 'Europe/Berlin')).toBe(
      Date.parse('2026-10-25T00:30:00Z'),
    );
  });

  it('formats an instant as ISO 8601 with the clinic offset', () => {
    const at = Date.parse('2026-04-07T14:00:00Z');
    expect(formatInstantIso(at, 'America/Chicago')).toBe('2026-04-07T09:00:00-05:00');
    expect(formatInstantIso(Date.parse('2026-01-07T15:00:00Z'), 'America/Chicago')).toBe(
      '2026-01-07T09:00:00-06:00',
    );
    expect(formatInstantIso(at, 'Asia/Kolkata')).toBe('2026-04-07T19:30:00+05:30');
    expect(formatInstantIso(at, 'America/St_Johns')).toBe('2026-04-07T11:30:00-02:30');
    expect(formatInstantIso(at, 'UTC')).toBe('2026-04-07T14:00:00+00:00');
    expect(formatInstantIso(at + 5, 'UTC')).toBe('2026-04-07T14:00:00.005+00:00');
  });

  it('formats instants that parse back to themselves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }),
        fc.constantFrom('America/Chicago', 'Europe/Berlin', 'Australia/Adelaide', 'Asia/Kolkata', 'UTC'),
        (at, tz) => {
          expect(Date.parse(formatInstantIso(at, tz))).toBe(at);
        },
      ),
    );
  });

  it('rejects an unknown time zone', () => {
    expect(() => localDateOf(0, 'Mars/Olympus_Mons')).toThrow(InvalidTimeZoneError);
    expect(() => localDateOf(0, 'America/Chicago+1')).toThrow(InvalidTimeZoneError);
  });
});

describe('a clinic-local date is exactly YYYY-MM-DD of a real day', () => {
  it('refuses each malformation on its own, naming the field and the value', () => {
    for (const bad of ['2026-01-011', '2026x01-01', '2026-01x01', '2026-1/-01', '2026-01-0:', '2026-00-10', '2026-01-00']) {
      expect(() => dayNumberOf(bad, 'holidays'), bad).toThrow(
        expect.objectContaining({ field: 'holidays', context: { field: 'holidays', value: bad } }),
      );
    }
    expect(() => dayNumberOf('2026-02-30')).toThrow(
      expect.objectContaining({ field: 'date', message: 'date must be a date written YYYY-MM-DD, got "2026-02-30"' }),
    );
  });

  it('knows the Gregorian leap years and the 30-day months', () => {
    expect(() => dayNumberOf('1900-02-29')).toThrow(InvalidInputError); // divisible by 100: not a leap year
    expect(dayNumberOf('2000-02-29')).toBe(dayNumberOf('2000-03-01') - 1); // divisible by 400: a leap year
    for (const month of ['04', '06', '09', '11']) {
      expect(() => dayNumberOf(`2026-${month}-31`), month).toThrow(InvalidInputError);
      expect(dayNumberOf(`2026-${month}-30`)).toBe(dayNumberOf(`2026-${month}-01`) + 29);
    }
    for (const month of ['01', '03', '05', '07', '08', '10', '12']) {
      expect(dayNumberOf(`2026-${month}-31`)).toBe(dayNumberOf(`2026-${month}-01`) + 30);
    }
  });

  it('adds months across the 400-year leap day (2000-02-29), which random dates rarely hit', () => {
    const leap = dayNumberOf('2000-02-29');
    expect(localDateOfDayNumber(addMonthsToDayNumber(leap, 1))).toBe('2000-03-29');
    expect(localDateOfDayNumber(addMonthsToDayNumber(leap, 12))).toBe('2001-02-28');
    expect(localDateOfDayNumber(addMonthsToDayNumber(leap, -1))).toBe('2000-01-29');
    expect(localDateOfDayNumber(addMonthsToDayNumber(dayNumberOf('2000-03-01'), 84))).toBe('2007-03-01');
  });
});

describe('a clinic-local time is exactly HH:MM from 00:00 to 23:59', () => {
  it('refuses each malformation on its own, naming the field and the value', () => {
    for (const bad of ['09:001', '09-00', '12:60', '24:00']) {
      expect(() => minutesOfLocalTime(bad, 'start'), bad).toThrow(
        expect.objectContaining({ field: 'start', context: { field: 'start', value: bad } }),
      );
    }
    expect(() => minutesOfLocalTime('9:00')).toThrow(
      expect.objectContaining({ field: 'time', message: 'time must be a time written HH:MM (00:00–23:59), got "9:00"' }),
    );
    expect(minutesOfLocalTime('00:00')).toBe(0);
    expect(minutesOfLocalTime('23:59')).toBe(1439);
  });
});

describe('the clinic calendar', () => {
  it('a Friday-to-Sunday clinic is closed Monday to Thursday', () => {
    const p = { clinicWeekdays: [5, 6, 7], holidays: [] };
    // 2026-04-06 is a Monday.
    expect(['06', '07', '08', '09', '10', '11', '12'].map((d) => isClinicDay(`2026-04-${d}`, p))).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('notices a weekday list replaced by another of the same length', () => {
    expect(isClinicDay('2026-04-06', { clinicWeekdays: [1, 2, 3, 4, 5], holidays: [] })).toBe(true);
    expect(isClinicDay('2026-04-06', { clinicWeekdays: [2, 3, 4, 5, 6], holidays: [] })).toBe(false);
    const p = { clinicWeekdays: [1, 2, 3], holidays: [] };
    expect(isClinicDay('2026-04-06', p)).toBe(true);
    p.clinicWeekdays[0] = 4; // edited in place
    expect(isClinicDay('2026-04-06', p)).toBe(false);
  });

  it('refuses weekdays outside 1–7 and a clinic with none, naming clinicWeekdays', () => {
    for (const wd of [0, 8, 1.5]) {
      expect(() => isClinicDay('2026-04-06', { clinicWeekdays: [1, wd], holidays: [] }), String(wd)).toThrow(
        expect.objectContaining({
          field: 'clinicWeekdays',
          message: `Clinic weekdays must be 1 (Monday) to 7 (Sunday), got ${wd}`,
          context: { field: 'clinicWeekdays', value: [1, wd] },
        }),
      );
    }
    expect(() => isClinicDay('2026-04-06', { clinicWeekdays: [], holidays: [] })).toThrow(
      expect.objectContaining({
        message: 'The clinic has no refill weekdays configured',
        context: { field: 'clinicWeekdays' },
      }),
    );
  });

  it('names holidays for a malformed holiday', () => {
    expect(() => isClinicDay('2026-04-06', { clinicWeekdays: [1], holidays: ['6 April'] })).toThrow(
      expect.objectContaining({ field: 'holidays' }),
    );
  });

  it('stops after 400 days of closed days and says where', () => {
    // A Monday-only clinic whose every Monday for more than 400 days is a holiday.
    const holidays: string[] = [];
    for (let d = dayNumberOf('2025-11-03'); d <= dayNumberOf('2026-12-28'); d += 7) holidays.push(localDateOfDayNumber(d));
    expect(() => latestClinicDayOnOrBefore('2026-12-31', { clinicWeekdays: [1], holidays })).toThrow(
      expect.objectContaining({
        message: 'No clinic day in the 400 days up to 2026-12-31',
        context: { field: 'holidays', date: '2026-12-31' },
      }),
    );
  });
});

describe('addMonthsToLocalDate', () => {
  it('adds months to a calendar date, clamping to the end of a shorter month, backwards too', () => {
    expect(addMonthsToLocalDate('2026-12-01', -11)).toBe('2026-01-01');
    expect(addMonthsToLocalDate('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsToLocalDate('2028-03-31', -1)).toBe('2028-02-29');
    expect(addMonthsToLocalDate('2026-11-15', 2)).toBe('2027-01-15');
  });
});

describe('observedHoliday', () => {
  it('observes a Saturday holiday on the Friday before and a Sunday one on the Monday after (5 U.S.C. 6103(b))', () => {
    expect(observedHoliday('2026-07-04')).toBe('2026-07-03'); // Saturday
    expect(observedHoliday('2027-07-04')).toBe('2027-07-05'); // Sunday
    expect(observedHoliday('2026-12-25')).toBe('2026-12-25'); // Friday
    expect(observedHoliday('2028-01-01')).toBe('2027-12-31'); // Saturday: observed in the year before
  });
});
