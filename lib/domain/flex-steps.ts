/**
 * The rule for a flex program's steps, one definition for every form and API that takes them (program change,
 * refill, replacement, new patient).
 *
 * The first step starts at 00:00. The pump's flex schedule covers the 24 h day with steps that each run until the
 * next; the engine (lib/domain/program.ts) wraps the last step past midnight, so a list starting at 07:00 is read
 * as "the last step's rate from midnight to 07:00". That is an implicit dose a physician did not write down:
 * reference.md (Program: "flex steps (start time, rate)"; programmer's side-by-side review, S23) asks that the
 * programmed schedule be reviewed as entered, so the stricter reading is kept: every hour of the day has the rate
 * typed for it. Program versions already stored are still forecast as recorded (the what-if API does not refuse
 * them).
 */

export const FIRST_FLEX_STEP_START = '00:00';

export interface FlexStepInput {
  start: string;
  doseMcgPerHour: number;
}

/** Why a flex program's list of steps cannot be saved, or null. The checks run in the order a form shows them. */
export function flexStepsProblem(steps: readonly FlexStepInput[] | null | undefined): string | null {
  if (!steps?.length) return 'A flex program needs at least one step';
  const starts = steps.map((s) => s.start);
  if (new Set(starts).size !== starts.length) return 'Flex step start times must all differ';
  if ([...starts].sort().join() !== starts.join()) return 'Flex steps must be in order of start time';
  if (starts[0] !== FIRST_FLEX_STEP_START)
    return `The first step must start at ${FIRST_FLEX_STEP_START} so that every hour of the day has a rate`;
  if (steps.every((s) => s.doseMcgPerHour === 0)) return 'A flex program must deliver some drug';
  return null;
}
