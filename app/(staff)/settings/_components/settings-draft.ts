/**
 * The settings form as typed, and the PATCH it sends: numbers stay text until sent, so a half-typed value is not
 * coerced, and a value that is not a number is sent as typed so that the server names the field.
 */
import type { ClinicSettings } from '@/lib/query/appointments';
import type { ClinicSettingsValues, SettingsPatch, settingsLimits } from '@/lib/validation/settings';

/** Form state: numbers as the text typed, so a half-typed value is not coerced. */
export type SettingsDraft = Omit<ClinicSettingsValues, keyof typeof settingsLimits | 'titrationDayOffsets'> &
  Record<keyof typeof settingsLimits | 'titrationDayOffsets', string>;

export function toDraft(s: ClinicSettings): SettingsDraft {
  return {
    name: s.name,
    timeZone: s.timeZone,
    phone24h: s.phone24h,
    phoneOffice: s.phoneOffice,
    address: s.address,
    clinicWeekdays: s.clinicWeekdays,
    holidays: s.holidays,
    dayStartsAt: s.dayStartsAt,
    dayEndsAt: s.dayEndsAt,
    mfaRequiredRoles: s.mfaRequiredRoles,
    dateOrder: s.dateOrder,
    bufferDays: String(s.bufferDays),
    dueSoonDays: String(s.dueSoonDays),
    accuracyPct: String(s.accuracyPct),
    discrepancyFloorMl: String(s.discrepancyFloorMl),
    discrepancyLimitSmallMl: String(s.discrepancyLimitSmallMl),
    discrepancyLimitLargeMl: String(s.discrepancyLimitLargeMl),
    stabilityBufferDays: String(s.stabilityBufferDays),
    dailyCapacity: String(s.dailyCapacity),
    slotMinutes: String(s.slotMinutes),
    idleTimeoutMinutes: String(s.idleTimeoutMinutes),
    titrationDayOffsets: s.titrationDayOffsets.join(', '),
  };
}

/** A typed number, or the text itself so that the server names the field ("must be a number"). */
const num = (v: string): number | string => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

/** "2, 7, 14" as [2, 7, 14]; a part that is not a number is sent as typed, so that the server names the field. */
const dayList = (v: string): (number | string)[] =>
  v
    .split(/[,;\s]+/)
    .filter((part) => part !== '')
    .map(num);

export type SetDraft = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => void;

/** The PATCH /api/v1/settings body of a draft, for the version it was loaded at (409 if it changed since). */
export function settingsPatch(draft: SettingsDraft, version: number): SettingsPatch {
  return {
    version,
    name: draft.name,
    timeZone: draft.timeZone.trim(),
    phone24h: draft.phone24h,
    phoneOffice: draft.phoneOffice,
    address: draft.address,
    clinicWeekdays: draft.clinicWeekdays,
    holidays: draft.holidays,
    dayStartsAt: draft.dayStartsAt,
    dayEndsAt: draft.dayEndsAt,
    mfaRequiredRoles: draft.mfaRequiredRoles,
    dateOrder: draft.dateOrder,
    bufferDays: num(draft.bufferDays),
    dueSoonDays: num(draft.dueSoonDays),
    accuracyPct: num(draft.accuracyPct),
    discrepancyFloorMl: num(draft.discrepancyFloorMl),
    discrepancyLimitSmallMl: num(draft.discrepancyLimitSmallMl),
    discrepancyLimitLargeMl: num(draft.discrepancyLimitLargeMl),
    stabilityBufferDays: num(draft.stabilityBufferDays),
    dailyCapacity: num(draft.dailyCapacity),
    slotMinutes: num(draft.slotMinutes),
    idleTimeoutMinutes: num(draft.idleTimeoutMinutes),
    titrationDayOffsets: dayList(draft.titrationDayOffsets),
  } as SettingsPatch;
}
