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

const minutesOfClock = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
const clockOfMinutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const isClock = (s: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s);

/**
 * Where "Add a step" puts a new step: the middle of the longest stretch of the day without a step start (to the
 * quarter hour), so that it never lands on an existing start, and `at` is its place in time order. Starts not yet
 * typed as HH:MM are ignored; with none, the new step starts at 00:00.
 */
export function newFlexStepPlace(starts: readonly string[]): { start: string; at: number } {
  const minutes = [...new Set(starts.filter(isClock).map(minutesOfClock))].sort((a, b) => a - b);
  let start = 0;
  if (minutes.length > 0) {
    let best = { from: 0, length: -1 };
    minutes.forEach((from, i) => {
      const to = minutes[i + 1] ?? 24 * 60;
      if (to - from > best.length) best = { from, length: to - from };
    });
    // With the day full to the minute there is nowhere new: the step goes just after the last start.
    start = best.length < 2 ? Math.min(minutes.at(-1)! + 1, 24 * 60 - 1) : best.from + Math.max(1, Math.floor(best.length / 2 / 15) * 15);
  }
  const clock = clockOfMinutes(start);
  const at = starts.findIndex((s) => isClock(s) && s > clock);
  return { start: clock, at: at === -1 ? starts.length : at };
}
