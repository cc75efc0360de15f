/**
 * Reading a date or a time as staff type it (decision 029). Pure: the DateInput and TimeInput components call it
 * while the text is typed, and show what it read in words before anything is saved.
 *
 * A date is accepted as
 * - ISO, year first: `2026-12-02` (never ambiguous; what the API and the end-to-end tests send);
 * - the month as a word, in either order, with an optional weekday: `2 Dec 2026`, `Wed 2 Dec 2026`, `December 2,
 *   2026`, `2-dec-2026`. A weekday that does not match the date is refused, not ignored;
 * - numbers in the clinic's order (`DateOrder`): `2/12/2026` is 2 December under d/m/y and 12 February under m/d/y.
 *   The separator may be `/`, `.` or `-`. The clinic setting is the only thing that decides: a text that is not a
 *   date in that order (`12/17/2026` under d/m/y) is refused, never read the other way round.
 * The year is always written in full: `2/12/26` is refused, since a birth date in `45` could be 1945 or 2045.
 */
import { getISODay, isExists } from 'date-fns';
import type { LocalDate, LocalTime } from './types';

/** The order of a date written in numbers: a clinic setting. */
export const dateOrders = ['d/m/y', 'm/d/y'] as const;
export type DateOrder = (typeof dateOrders)[number];

export const dateOrderLabels: Record<DateOrder, string> = {
  'd/m/y': 'Day first: 2/12/2026 is 2 December 2026',
  'm/d/y': 'Month first: 12/2/2026 is 2 December 2026',
};

/** How a date in numbers is written in the clinic's order, for placeholders and messages. */
export const dateOrderPattern: Record<DateOrder, string> = { 'd/m/y': 'DD/MM/YYYY', 'm/d/y': 'MM/DD/YYYY' };

export type Reading<T> = { ok: true; value: T } | { ok: false; empty: boolean; problem: string };

const MONTH_WORDS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
const WEEKDAY_WORDS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** Years a typed date may fall in: birth dates from 1900, expiry dates well ahead. */
export const TYPED_YEAR_MIN = 1900;
export const TYPED_YEAR_MAX = 2199;

/** `jan`, `Jan.`, `January`, `sept` → 1-based month (a prefix of three letters or more); else undefined. */
function monthOfWord(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w === 'sept') return 9;
  if (w.length < 3) return undefined;
  const i = MONTH_WORDS.findIndex((m) => m.toLowerCase().startsWith(w));
  return i === -1 ? undefined : i + 1;
}

/** `wed`, `Wed.`, `Wednesday` → ISO weekday (1 = Monday; a prefix of three letters or more); else undefined. */
function weekdayOfWord(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = WEEKDAY_WORDS.findIndex((d) => d.toLowerCase().startsWith(w));
  return i === -1 ? undefined : i + 1;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const refuse = <T>(problem: string): Reading<T> => ({ ok: false, empty: false, problem });

/** Checks that day, month and year make a real date and returns it as `YYYY-MM-DD`. */
function checked(year: number, month: number, day: number, weekday?: number): Reading<LocalDate> {
  if (month < 1 || month > 12) return refuse(`there is no month ${month}`);
  if (year < TYPED_YEAR_MIN || year > TYPED_YEAR_MAX)
    return refuse(`the year must be from ${TYPED_YEAR_MIN} to ${TYPED_YEAR_MAX}`);
  // date-fns' isExists: the day exists in that month of that year (no 31 April, 29 February only in leap years).
  if (day < 1 || !isExists(year, month - 1, day))
    return refuse(`there is no ${day} ${MONTH_WORDS[month - 1]} ${year}`);
  const iso = `${year}-${pad2(month)}-${pad2(day)}`;
  if (weekday !== undefined) {
    // getISODay of a local-midnight Date: the weekday of that calendar date whatever the machine's zone.
    const actual = getISODay(new Date(year, month - 1, day));
    if (actual !== weekday)
      return refuse(
        `${day} ${MONTH_WORDS[month - 1]} ${year} is a ${WEEKDAY_WORDS[actual - 1]}, not a ${WEEKDAY_WORDS[weekday - 1]}`,
      );
  }
  return { ok: true, value: iso };
}

const YEAR_IN_FULL = 'write the year in full (2026, not 26)';

/**
 * Reads a typed date; `order` decides how a date in numbers is read. The problem is a phrase to follow the field's
 * name ("Expiry date: there is no 31 February 2026").
 */
export function readTypedDate(text: string, order: DateOrder): Reading<LocalDate> {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return { ok: false, empty: true, problem: 'enter a date' };

  // Year first: ISO 8601 (also with one-digit month or day, which is still unambiguous).
  const iso = /^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})$/.exec(t);
  if (iso) return checked(Number(iso[1]), Number(iso[3]), Number(iso[4]));

  // Numbers only, in the clinic's order.
  const numeric = /^(\d{1,2})([/.-])(\d{1,2})\2(\d+)$/.exec(t);
  if (numeric) {
    const [a, b, y] = [Number(numeric[1]), Number(numeric[3]), numeric[4]!];
    if (y.length !== 4) return refuse(YEAR_IN_FULL);
    const [day, month] = order === 'd/m/y' ? [a, b] : [b, a];
    const reading = checked(Number(y), month, day);
    if (!reading.ok && (month > 12 || month < 1))
      return refuse(
        `${t} is not a date in this clinic’s order, ${dateOrderPattern[order]} (there is no month ${month})`,
      );
    return reading;
  }

  // Words: an optional weekday, the day and the month as a word in either order, then the year.
  const words = t.split(/[\s,/-]+/).filter((w) => w !== '');
  let weekday: number | undefined;
  if (words.length === 4) {
    weekday = weekdayOfWord(words[0]!);
    if (weekday === undefined) return refuse(`“${text.trim()}” is not a date`);
    words.shift();
  }
  if (words.length === 3) {
    const [first, second, year] = words as [string, string, string];
    const monthFirst = monthOfWord(first);
    const monthSecond = monthOfWord(second);
    const dayText = monthFirst !== undefined ? second : first;
    const month = monthFirst ?? monthSecond;
    if (month !== undefined && /^\d{1,2}(st|nd|rd|th)?$/i.test(dayText) && /^\d+$/.test(year)) {
      if (year.length !== 4) return refuse(YEAR_IN_FULL);
      return checked(Number(year), month, parseInt(dayText, 10), weekday);
    }
  }
  if (words.length === 2 && (monthOfWord(words[0]!) ?? monthOfWord(words[1]!)) !== undefined)
    return refuse('add the year');
  if (/^\d{1,2}[/.-]\d{1,2}$/.test(t)) return refuse('add the year');
  return refuse(`“${text.trim()}” is not a date: write it as 2 Dec 2026 or ${dateOrderPattern[order]}`);
}

/**
 * Reads a typed time of day on the 24-hour clock: `14:05`, `9:30`, `9.30`, or four digits `0930`. `9:30 pm` and
 * `9:30 am` are refused with the 24-hour time they would be, so that an afternoon visit is never booked for the
 * morning by a missing "pm"; a bare hour (`9`) and three digits (`930`) are refused as incomplete.
 */
export function readTypedTime(text: string): Reading<LocalTime> {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return { ok: false, empty: true, problem: 'enter a time' };
  const twelve = /^(\d{1,2})(?:[:.](\d{2}))? ?([ap])\.?m?\.?$/i.exec(t);
  if (twelve) {
    const [h, m, pm] = [Number(twelve[1]), Number(twelve[2] ?? 0), twelve[3]!.toLowerCase() === 'p'];
    if (h >= 1 && h <= 12 && m <= 59) {
      const h24 = (h % 12) + (pm ? 12 : 0);
      return refuse(`use the 24-hour clock: ${pad2(h24)}:${pad2(m)} for ${t}`);
    }
    return refuse('use the 24-hour clock, HH:MM (00:00 to 23:59)');
  }
  const parts = /^(\d{1,2})[:.](\d{2})$/.exec(t) ?? /^(\d{2})(\d{2})$/.exec(t);
  if (!parts) return refuse(`“${t}” is not a time: write it as HH:MM on the 24-hour clock (09:30, 14:05)`);
  const [h, m] = [Number(parts[1]), Number(parts[2])];
  if (h > 23 || m > 59) return refuse(`${t} is not a time of day (00:00 to 23:59)`);
  return { ok: true, value: `${pad2(h)}:${pad2(m)}` };
}
