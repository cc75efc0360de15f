/**
 * Builders of valid engine inputs for tests (and for seed data): the reference.md B7-1 pump by default, overridden
 * field by field. Not part of the public API.
 */
import type { ClinicPolicy, ForecastInput, ProgramVersion } from './types';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export function clinic(timeZone = 'UTC', overrides: Partial<ClinicPolicy> = {}): ClinicPolicy {
  return {
    timeZone,
    bufferDays: 7,
    dueSoonDays: 14,
    clinicWeekdays: [1, 2, 3, 4, 5],
    holidays: [],
    ...overrides,
  };
}

export function simpleProgram(
  from: number,
  doseMcgPerDay: number,
  concentrationMcgPerMl: number,
): ProgramVersion {
  return { from, concentrationMcgPerMl, mode: 'simple', doseMcgPerDay };
}

/** reference.md B7-1: SynchroMed II 20 mL, 250 mcg/day at 500 mcg/mL (0.5 mL/day), filled to 20 mL, alarm at 2 mL. */
export function example1(t0: number, overrides: Partial<ForecastInput> = {}): ForecastInput {
  return {
    now: t0,
    clinic: clinic('UTC'),
    pump: { kind: 'programmable', reservoirMl: 20, alarmMl: 2 },
    lastRefill: { at: t0, volumeMl: 20 },
    drug: { name: 'baclofen', stabilityDays: 180, usualMaxDoseMcgPerDay: 1000, withdrawalRisk: 'severe' },
    programs: [simpleProgram(t0, 250, 500)],
    nextAppointmentAt: null,
    ...overrides,
  };
}
