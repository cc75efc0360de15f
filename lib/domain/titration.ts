/**
 * The titration visits after an implant (issue 18, item 5): a new intrathecal patient is seen again within days
 * while the dose is titrated. The clinic lists the visits as days after the implant (a setting); the default is
 * day 2, week 1 and week 2 [inference: a common post-implant titration rhythm; to be confirmed by the clinic's
 * physicians, decision 027].
 */
import { addDaysToLocalDate } from './calendar';

export const DEFAULT_TITRATION_DAY_OFFSETS: readonly number[] = [2, 7, 14];
/** Offsets are 1 to 90 days after the implant, at most 8 visits. */
export const TITRATION_MAX_OFFSET_DAYS = 90;
export const TITRATION_MAX_VISITS = 8;

/** "day 2", "week 1", "week 2": how staff say it. */
export function titrationVisitLabel(offsetDays: number): string {
  return offsetDays % 7 === 0 ? `week ${offsetDays / 7}` : `day ${offsetDays}`;
}

export interface TitrationTarget {
  offsetDays: number;
  label: string;
  /** The implant date plus the offset (clinic-local), before any move to a clinic day or free slot. */
  targetDate: string;
}

/** The target date of each titration visit, in order; offsets are taken sorted and once each. */
export function titrationTargets(implantedOn: string, offsets: readonly number[]): TitrationTarget[] {
  return [...new Set(offsets)]
    .sort((a, b) => a - b)
    .map((offsetDays) => ({
      offsetDays,
      label: titrationVisitLabel(offsetDays),
      targetDate: addDaysToLocalDate(implantedOn, offsetDays),
    }));
}

/** What a clinic may set: whole days from 1 to 90, none twice, at most 8 (null: allowed). */
export function titrationOffsetsProblem(offsets: readonly number[]): string | null {
  if (offsets.length > TITRATION_MAX_VISITS) return `At most ${TITRATION_MAX_VISITS} titration visits`;
  for (const d of offsets)
    if (!Number.isInteger(d) || d < 1 || d > TITRATION_MAX_OFFSET_DAYS)
      return `Each titration visit must be a whole number of days from 1 to ${TITRATION_MAX_OFFSET_DAYS} after the implant`;
  if (new Set(offsets).size !== offsets.length) return 'A titration day is listed twice';
  return null;
}
