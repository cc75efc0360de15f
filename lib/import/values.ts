/**
 * Reading one cell as the value the app stores, with a message that says what was expected. A parser returns
 * `{ value }` or `{ problem }`; it never guesses between two readings (a bare "baclofen" when the catalogue has two
 * baclofen products is a problem, not the first match).
 */
import { addDays, format } from 'date-fns';
import type { DateOrder } from './fields';

export type Parsed<T> = { value: T; problem?: undefined } | { value?: undefined; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ value });
const bad = (problem: string): Parsed<never> => ({ problem });

function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Excel's 1900 date system: serial 1 is 1900-01-01 and 60 is the leap day 1900 never had, so day 0 is 1899-12-30 for serials after 60. */
function excelSerialToDate(serial: number): string {
  return format(addDays(new Date(1899, 11, 30), serial), 'yyyy-MM-dd');
}

/**
 * A calendar date: ISO 2026-03-07, 3/7/2026 or 3-7-26 in the mapping's order (MDY or DMY), or an Excel serial day
 * number (46088) as a CSV exported from Excel may hold. A time after the date (Excel's "3/7/2026 0:00") is ignored.
 */
export function parseDate(cell: string, order: DateOrder): Parsed<string> {
  const text = cell.trim().replace(/[ T]\d{1,2}:\d{2}(:\d{2})?(\s?[AP]M)?$/i, '');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isRealDate(y, mo, d)
      ? ok(`${y}-${pad(mo)}-${pad(d)}`)
      : bad(`${cell} is not a real calendar date`);
  }
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    const [mo, d] = order === 'MDY' ? [a, b] : [b, a];
    // A two-digit year is this century up to 2049; a pump patient born in 19xx is written with four digits.
    const y = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    if (m[3]!.length === 2 && y > 2049) return bad(`${cell}: write the year with four digits`);
    return isRealDate(y, mo, d)
      ? ok(`${y}-${pad(mo)}-${pad(d)}`)
      : bad(
          `${cell} is not a real calendar date (read as ${order === 'MDY' ? 'month/day/year' : 'day/month/year'})`,
        );
  }
  if (/^\d{4,5}(\.\d+)?$/.test(text)) {
    const serial = Math.floor(Number(text));
    // 1 Jan 1900 .. 31 Dec 2099: anything else is not a date a clinic wrote.
    if (serial > 60 && serial < 73051) return ok(excelSerialToDate(serial));
  }
  return bad(
    `${cell} is not a date (use 2026-03-07, ${order === 'MDY' ? '3/7/2026 for March 7' : '7/3/2026 for 7 March'}, or an Excel date)`,
  );
}

/** "1,500.5" → 1500.5. A decimal comma is not accepted: "1,5" would be ambiguous with a thousands separator. */
function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$|^\.\d+$/.test(t)) return null;
  return Number(t.replace(/,/g, ''));
}

function splitUnit(cell: string): { number: number | null; unit: string } {
  const m = /^\s*([\d.,]+)\s*(.*?)\s*$/.exec(cell);
  if (!m) return { number: null, unit: '' };
  return {
    number: parseNumber(m[1]!),
    unit: m[2]!.toLowerCase().replace(/\s+/g, '').replace('µ', 'mc').replace('μ', 'mc'),
  };
}

/** A concentration in ng/mL from "2000", "2000 mcg/ml", "2 mg/mL"; a bare number is in the drug's dose unit per mL. */
export function parseConcentration(cell: string, doseUnit: 'mcg' | 'mg'): Parsed<number> {
  const { number, unit } = splitUnit(cell);
  if (number == null) return bad(`${cell} is not a concentration (write e.g. 2000 mcg/mL)`);
  const factor: Record<string, number> = { 'mcg/ml': 1000, 'ug/ml': 1000, 'mg/ml': 1_000_000 };
  const perUnit = unit === '' ? (doseUnit === 'mg' ? 1_000_000 : 1000) : factor[unit];
  if (perUnit === undefined) return bad(`${cell}: the unit must be mcg/mL or mg/mL`);
  return ok(Math.round(number * perUnit));
}

/** A daily dose in mcg/day from "400", "400 mcg/day", "0.4 mg/day", "400 mcg"; a bare number is in the drug's dose unit. */
export function parseDailyDose(cell: string, doseUnit: 'mcg' | 'mg'): Parsed<number> {
  const { number, unit } = splitUnit(cell);
  if (number == null) return bad(`${cell} is not a daily dose (write e.g. 400 mcg/day)`);
  const u = unit.replace(/\/(24h|d)$/, '/day');
  const factor: Record<string, number> = {
    mcg: 1,
    'mcg/day': 1,
    ug: 1,
    'ug/day': 1,
    mg: 1000,
    'mg/day': 1000,
  };
  const perUnit = u === '' ? (doseUnit === 'mg' ? 1000 : 1) : factor[u];
  if (perUnit === undefined) return bad(`${cell}: the unit must be mcg/day or mg/day`);
  return ok(Math.round(number * perUnit * 1000) / 1000);
}

/** A volume in mL from "18", "18 mL", "18.5ml". */
export function parseMl(cell: string, per: '' | '/day' = ''): Parsed<number> {
  const { number, unit } = splitUnit(cell);
  const allowed = per === '' ? ['', 'ml', 'cc'] : ['', 'ml/day', 'ml/d', 'ml/24h'];
  if (number == null || !allowed.includes(unit)) return bad(`${cell} is not a volume in mL${per}`);
  return ok(number);
}

/** "Doe, Jane" or "Jane Doe" (the last word is the family name). */
export function splitName(cell: string): Parsed<{ givenName: string; familyName: string }> {
  const text = cell.trim().replace(/\s+/g, ' ');
  const comma = text.indexOf(',');
  if (comma >= 0) {
    const familyName = text.slice(0, comma).trim();
    const givenName = text.slice(comma + 1).trim();
    if (familyName && givenName) return ok({ givenName, familyName });
  } else {
    const space = text.lastIndexOf(' ');
    if (space > 0) return ok({ givenName: text.slice(0, space), familyName: text.slice(space + 1) });
  }
  return bad(`${cell}: write the name as “Family, Given” or “Given Family”, or map separate name columns`);
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

export interface ModelOption {
  id: number;
  manufacturer: string;
  name: string;
  modelNumber: string;
  kind: 'programmable' | 'constant-flow';
}

/** A pump model from its model number ("8637-40", "SynchroMed II 8637-40"); a name alone only when one model has it. */
export function matchModel(cell: string, models: readonly ModelOption[]): Parsed<ModelOption> {
  const c = squash(cell);
  const byNumber = models.filter(
    (m) => c.endsWith(squash(m.modelNumber)) || c.includes(squash(m.modelNumber)),
  );
  if (byNumber.length === 1) return ok(byNumber[0]!);
  const byName = models.filter((m) => c === squash(m.name) || c === squash(`${m.manufacturer} ${m.name}`));
  if (byNumber.length === 0 && byName.length === 1) return ok(byName[0]!);
  const list = models.map((m) => `${m.name} ${m.modelNumber}`).join(', ');
  return bad(
    byName.length > 1
      ? `${cell} fits more than one model: add the model number (${byName.map((m) => m.modelNumber).join(' or ')})`
      : `${cell} is not a pump model of the catalogue (${list})`,
  );
}

export interface DrugOption {
  id: number;
  name: string;
  product: string;
  doseUnit: 'mcg' | 'mg';
  concentrationsNgPerMl: number[];
}

/** A drug product from its product name ("Lioresal", "Gablofen", "Prialt (diluted)"); a generic name only when one product has it. */
export function matchDrug(cell: string, drugs: readonly DrugOption[]): Parsed<DrugOption> {
  const c = squash(cell);
  if (!c) return bad('the drug is empty');
  const exact = drugs.filter((d) => squash(d.product) === c);
  if (exact.length === 1) return ok(exact[0]!);
  const prefix = drugs.filter((d) => squash(d.product).startsWith(c) || c.startsWith(squash(d.product)));
  if (prefix.length === 1) return ok(prefix[0]!);
  const generic = drugs.filter((d) => squash(d.name) === c || c.startsWith(squash(d.name)));
  if (generic.length === 1) return ok(generic[0]!);
  const candidates = prefix.length > 1 ? prefix : generic;
  if (candidates.length > 1)
    return bad(
      `${cell} fits more than one product: write which (${candidates.map((d) => d.product).join(' or ')})`,
    );
  return bad(`${cell} is not a drug product of the catalogue (${drugs.map((d) => d.product).join(', ')})`);
}

export interface PhysicianOption {
  id: string;
  name: string;
}

/** A physician of the clinic by name, ignoring case, titles and "Family, Given" order. */
export function matchPhysician(
  cell: string,
  physicians: readonly PhysicianOption[],
): Parsed<PhysicianOption> {
  const words = (s: string) =>
    s
      .toLowerCase()
      .replace(/\b(dr|md|do|prof)\b\.?/g, ' ')
      .split(/[^a-z0-9'-]+/)
      .filter(Boolean)
      .sort()
      .join(' ');
  const found = physicians.filter((p) => words(p.name) === words(cell));
  if (found.length === 1) return ok(found[0]!);
  return bad(
    found.length > 1
      ? `${cell} names more than one physician of this clinic`
      : `${cell} is not a physician of this clinic (${physicians.map((p) => p.name).join(', ') || 'none has an account'})`,
  );
}

/** spinal / cerebral / other. */
export function parseOrigin(cell: string): Parsed<'spinal' | 'cerebral' | 'other'> {
  const c = cell.trim().toLowerCase();
  // Only the app's own words: which diagnosis counts as spinal or cerebral is a clinician's call, not the importer's.
  if (c === 'spinal' || c === 'cerebral' || c === 'other') return ok(c);
  return bad(`${cell} is not a spasticity origin (spinal, cerebral or other)`);
}
