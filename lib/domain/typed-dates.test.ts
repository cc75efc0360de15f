import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDayNumberForHumans, dayNumberOf, localDateOfDayNumber } from './calendar';
import { readTypedDate, readTypedTime, type DateOrder } from './typed-dates';

const value = (text: string, order: DateOrder = 'd/m/y') => {
  const r = readTypedDate(text, order);
  return r.ok ? r.value : `refused: ${r.problem}`;
};
const time = (text: string) => {
  const r = readTypedTime(text);
  return r.ok ? r.value : `refused: ${r.problem}`;
};

describe('readTypedDate', () => {
  it('reads ISO whatever the clinic order (the API format, and what end-to-end tests fill)', () => {
    for (const order of ['d/m/y', 'm/d/y'] as const) {
      expect(value('2026-12-02', order)).toBe('2026-12-02');
      expect(value('2026-1-5', order)).toBe('2026-01-05');
      expect(value('2026/12/02', order)).toBe('2026-12-02');
    }
  });

  it('reads the same numbers differently under d/m/y and m/d/y: only the clinic setting decides', () => {
    expect(value('2/12/2026', 'd/m/y')).toBe('2026-12-02');
    expect(value('2/12/2026', 'm/d/y')).toBe('2026-02-12');
    expect(value('02.12.2026', 'd/m/y')).toBe('2026-12-02');
    expect(value('12-2-2026', 'm/d/y')).toBe('2026-12-02');
  });

  it('refuses a date that only the other order could read, rather than swapping day and month', () => {
    expect(value('12/17/2026', 'm/d/y')).toBe('2026-12-17');
    expect(value('12/17/2026', 'd/m/y')).toBe(
      'refused: 12/17/2026 is not a date in this clinic’s order, DD/MM/YYYY (there is no month 17)',
    );
    expect(value('17/12/2026', 'm/d/y')).toMatch(/not a date in this clinic’s order, MM\/DD\/YYYY/);
  });

  it('reads the month as a word in either order, with or without the weekday, in any case', () => {
    expect(value('2 Dec 2026')).toBe('2026-12-02');
    expect(value('2 december 2026', 'm/d/y')).toBe('2026-12-02');
    expect(value('Dec 2 2026')).toBe('2026-12-02');
    expect(value('December 2, 2026')).toBe('2026-12-02');
    expect(value('2-DEC-2026')).toBe('2026-12-02');
    expect(value('Wed 2 Dec 2026')).toBe('2026-12-02');
    expect(value('Wed, 2 Dec 2026')).toBe('2026-12-02');
    expect(value('2nd Dec 2026')).toBe('2026-12-02');
    expect(value('3 Sept 2026')).toBe('2026-09-03');
    expect(value('3 Sep. 2026')).toBe('2026-09-03');
  });

  it('refuses a weekday that does not match the date instead of ignoring it', () => {
    expect(value('Tue 2 Dec 2026')).toBe('refused: 2 December 2026 is a Wednesday, not a Tuesday');
    expect(value('Blursday 2 Dec 2026')).toMatch(/is not a date/);
  });

  it('ignores spaces before, after and between the parts', () => {
    expect(value('  2/12/2026 ')).toBe('2026-12-02');
    expect(value(' 2   Dec  2026\t')).toBe('2026-12-02');
  });

  it('refuses days that do not exist, naming the day', () => {
    expect(value('31/02/2026')).toBe('refused: there is no 31 February 2026');
    expect(value('2026-02-29')).toBe('refused: there is no 29 February 2026');
    expect(value('29/02/2028')).toBe('2028-02-29');
    expect(value('29/02/2100')).toBe('refused: there is no 29 February 2100');
    expect(value('31 Apr 2026')).toBe('refused: there is no 31 April 2026');
    expect(value('0/12/2026')).toBe('refused: there is no 0 December 2026');
    expect(value('2026-13-01')).toBe('refused: there is no month 13');
  });

  it('refuses two-digit years and dates without a year (a birth year 45 could be 1945 or 2045)', () => {
    expect(value('2/12/26')).toBe('refused: write the year in full (2026, not 26)');
    expect(value('2 Dec 26')).toBe('refused: write the year in full (2026, not 26)');
    expect(value('2/12')).toBe('refused: add the year');
    expect(value('2 Dec')).toBe('refused: add the year');
    expect(value('2/12/0026')).toBe('refused: the year must be from 1900 to 2199');
  });

  it('refuses text that is not a date, and says an empty field is empty', () => {
    expect(value('tomorrow')).toMatch(/“tomorrow” is not a date: write it as 2 Dec 2026 or DD\/MM\/YYYY/);
    expect(value('20261202')).toMatch(/is not a date/);
    expect(value('2/12-2026')).toMatch(/is not a date/);
    expect(readTypedDate('   ', 'd/m/y')).toEqual({ ok: false, empty: true, problem: 'enter a date' });
  });

  it('reads back every date as the pages print it, and ISO, in both orders (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: dayNumberOf('1900-01-01'), max: dayNumberOf('2199-12-31') }),
        fc.constantFrom<DateOrder>('d/m/y', 'm/d/y'),
        (day, order) => {
          const iso = localDateOfDayNumber(day);
          expect(value(formatDayNumberForHumans(day), order)).toBe(iso);
          expect(value(iso, order)).toBe(iso);
          const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
          expect(value(order === 'd/m/y' ? `${d}/${m}/${y}` : `${m}/${d}/${y}`, order)).toBe(iso);
        },
      ),
    );
  });
});

describe('readTypedTime', () => {
  it('reads the 24-hour clock with a colon or a point, one or two digits for the hour, or four digits', () => {
    expect(time('14:05')).toBe('14:05');
    expect(time('9:30')).toBe('09:30');
    expect(time('9.30')).toBe('09:30');
    expect(time('0930')).toBe('09:30');
    expect(time(' 00:00 ')).toBe('00:00');
    expect(time('23:59')).toBe('23:59');
  });

  it('refuses am/pm and names the 24-hour time it would be', () => {
    expect(time('9:30 pm')).toBe('refused: use the 24-hour clock: 21:30 for 9:30 pm');
    expect(time('9:30am')).toBe('refused: use the 24-hour clock: 09:30 for 9:30am');
    expect(time('12:15 am')).toBe('refused: use the 24-hour clock: 00:15 for 12:15 am');
    expect(time('12 pm')).toBe('refused: use the 24-hour clock: 12:00 for 12 pm');
  });

  it('refuses times that are not a time of day, and incomplete ones', () => {
    expect(time('24:00')).toBe('refused: 24:00 is not a time of day (00:00 to 23:59)');
    expect(time('12:60')).toBe('refused: 12:60 is not a time of day (00:00 to 23:59)');
    expect(time('9')).toMatch(/“9” is not a time/);
    expect(time('930')).toMatch(/“930” is not a time/);
    expect(time('9:3')).toMatch(/is not a time/);
    expect(readTypedTime('')).toEqual({ ok: false, empty: true, problem: 'enter a time' });
  });
});
