/**
 * Clinic settings: read, and change with the version check. A change to the refill policy (zone, buffer,
 * calendar, discrepancy thresholds) recomputes every stored forecast of the clinic in the same transaction, so the
 * worklist and due dates never show the old policy.
 */
import { eq } from 'drizzle-orm';
import { NotFoundError } from '@/lib/errors';
import {
  type ClinicSettingsValues
} from '@/lib/validation/settings';
import { type Db } from '../client';
import * as s from '../schema';

export interface ClinicSettings extends ClinicSettingsValues {
  id: number;
  version: number;
  updatedAt: number;
}

const columns = {
  id: s.clinics.id,
  name: s.clinics.name,
  timeZone: s.clinics.timeZone,
  phone24h: s.clinics.phone24h,
  phoneOffice: s.clinics.phoneOffice,
  address: s.clinics.address,
  bufferDays: s.clinics.bufferDays,
  dueSoonDays: s.clinics.dueSoonDays,
  clinicWeekdays: s.clinics.clinicWeekdays,
  holidays: s.clinics.holidays,
  accuracyPct: s.clinics.accuracyPct,
  discrepancyFloorUl: s.clinics.discrepancyFloorUl,
  discrepancyLimitSmallUl: s.clinics.discrepancyLimitSmallUl,
  discrepancyLimitLargeUl: s.clinics.discrepancyLimitLargeUl,
  stabilityBufferDays: s.clinics.stabilityBufferDays,
  dailyCapacity: s.clinics.dailyCapacity,
  dayStartsAt: s.clinics.dayStartsAt,
  dayEndsAt: s.clinics.dayEndsAt,
  slotMinutes: s.clinics.slotMinutes,
  idleTimeoutMinutes: s.clinics.idleTimeoutMinutes,
  mfaRequiredRoles: s.clinics.mfaRequiredRoles,
  titrationDayOffsets: s.clinics.titrationDayOffsets,
  dateOrder: s.clinics.dateOrder,
  version: s.clinics.version,
  updatedAt: s.clinics.updatedAt,
};

export function getClinicSettings(db: Pick<Db, 'select'>, clinicId: number): ClinicSettings {
  const row = db.select(columns).from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!row) throw new NotFoundError('No such clinic.');
  const {
    discrepancyFloorUl,
    discrepancyLimitSmallUl,
    discrepancyLimitLargeUl,
    phoneOffice,
    clinicWeekdays,
    holidays,
    ...rest
  } = row;
  return {
    ...rest,
    phoneOffice: phoneOffice ?? '',
    clinicWeekdays: [...clinicWeekdays].sort((a, b) => a - b),
    holidays: [...holidays].sort(),
    discrepancyFloorMl: discrepancyFloorUl / 1000,
    discrepancyLimitSmallMl: discrepancyLimitSmallUl / 1000,
    discrepancyLimitLargeMl: discrepancyLimitLargeUl / 1000,
  };
}
