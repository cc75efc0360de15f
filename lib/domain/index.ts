/** The pure clinical core: forecasting, refill assessment, clinic calendar. No framework or database imports. */
export type * from './types';
export * from './errors';
export * from './policy';
export {
  addDaysToLocalDate,
  dayNumberOf,
  daysBetween,
  formatDayNumberForHumans,
  formatInstantForHumans,
  formatInstantIso,
  isClinicDay,
  isoWeekdayOf,
  latestClinicDayOnOrBefore,
  localDateOf,
  localDateOfDayNumber,
  localDateTimeToInstant,
} from './calendar';
export { forecast } from './forecast';
export { discrepancyAlertSeverity, severityRank } from './alerts';
export { volumeCurve } from './curve';
export {
  assessDoseChange,
  assessRefillVisit,
  type DiscrepancyFlag,
  type DoseChangeAssessment,
  type DoseChangeContext,
  type RefillAssessment,
  type RefillVisitInput,
} from './refill';
export {
  bridgeTransit,
  constantFlowConcentration,
  constantFlowDaysToReserve,
  dailyVolumeMl,
  prometraCadence,
  prometraCatheterVolumeMl,
  PROMETRA_CATHETER_ML_PER_CM,
  PROMETRA_DEFAULT_ACCUMULATOR_ML,
  type BridgeTransit,
} from './formulas';
