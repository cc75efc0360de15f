/**
 * Clinic settings: read, and change with the version check. A change to the refill policy (zone, buffer,
 * calendar, discrepancy thresholds) recomputes every stored forecast of the clinic in the same transaction, so the
 * worklist and due dates never show the old policy.
 */
import { eq } from 'drizzle-orm';
import { DomainError } from '@/lib/domain/errors';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { fieldErrors } from '@/lib/validation/errors';
import {
  policyFields,
  settingsSchema,
  type ClinicSettingsValues,
  type SettingsPatch,
} from '@/lib/validation/settings';
import { writeTransaction, type Db } from '../client';
import * as s from '../schema';
import { audit, type Actor } from './audit';
import { refreshForecasts } from './forecasts';
import { assertSameVersion } from './versioning';

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
  feedShowsFirstName: s.clinics.feedShowsFirstName,
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

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies a PATCH: checks the version, validates the merged record (cross-field rules such as opening hours), writes
 * it, audits before/after and, when a policy field changed, refreshes the clinic's stored forecasts.
 */
export function updateClinicSettings(
  db: Db,
  actor: Actor,
  patch: SettingsPatch,
  now: number,
): { settings: ClinicSettings; forecastsRefreshed: number | null } {
  return writeTransaction(db, (tx) => {
    const before = getClinicSettings(tx, actor.clinicId);
    assertSameVersion('clinic’s settings', patch.version, before.version);
    const { version: _version, ...changes } = patch;
    const { id: _id, version: _v, updatedAt: _u, ...current } = before;
    const merged = settingsSchema.safeParse({ ...current, ...changes });
    if (!merged.success) {
      const fields = fieldErrors(merged.error);
      throw new ValidationError(`Invalid settings: ${Object.values(fields).join('; ')}`, fields);
    }
    const next = {
      ...merged.data,
      clinicWeekdays: [...merged.data.clinicWeekdays].sort((a, b) => a - b),
      holidays: [...merged.data.holidays].sort(),
    };
    const changed = (Object.keys(next) as (keyof ClinicSettingsValues)[]).filter(
      (k) => !sameValue(next[k], current[k]),
    );
    if (changed.length === 0) return { settings: before, forecastsRefreshed: null };

    const { discrepancyFloorMl, discrepancyLimitSmallMl, discrepancyLimitLargeMl, phoneOffice, ...plain } =
      next;
    tx.update(s.clinics)
      .set({
        ...plain,
        phoneOffice: phoneOffice === '' ? null : phoneOffice,
        discrepancyFloorUl: Math.round(discrepancyFloorMl * 1000),
        discrepancyLimitSmallUl: Math.round(discrepancyLimitSmallMl * 1000),
        discrepancyLimitLargeUl: Math.round(discrepancyLimitLargeMl * 1000),
        version: before.version + 1,
        updatedAt: now,
      })
      .where(eq(s.clinics.id, actor.clinicId))
      .run();

    const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, o[k]]));
    audit(tx, actor, 'update', 'clinic-settings', actor.clinicId, pick(current), pick(next));

    let forecastsRefreshed: number | null = null;
    if (changed.some((k) => (policyFields as readonly string[]).includes(k))) {
      try {
        forecastsRefreshed = refreshForecasts(tx, { clinicId: actor.clinicId }, now);
      } catch (error) {
        // e.g. holidays that leave no clinic day: the engine cannot place a due date. Nothing is saved.
        if (error instanceof DomainError) {
          const field = typeof error.context.field === 'string' ? error.context.field : 'clinicWeekdays';
          throw new ValidationError(
            `These settings leave the forecast unable to place a due date: ${error.message}`,
            { [field]: error.message },
          );
        }
        throw error;
      }
    }
    return { settings: getClinicSettings(tx, actor.clinicId), forecastsRefreshed };
  });
}
