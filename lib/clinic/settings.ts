/** Changing the clinic's settings (admin): one transaction, the version read (409), the change audited. */
import { eq } from 'drizzle-orm';
import { DomainError } from '@/lib/domain/errors';
import { ValidationError } from '@/lib/errors';
import { fieldErrors } from '@/lib/validation/errors';
import {
  policyFields,
  settingsSchema,
  type ClinicSettingsValues,
  type SettingsPatch,
} from '@/lib/validation/settings';
import { writeTransaction, type Db } from '@/db/client';
import * as s from '@/db/schema';
import { audit } from '@/db/queries/audit';
import { refreshForecasts } from '@/db/queries/forecasts';
import { assertSameVersion } from '@/db/queries/versioning';
import { type ClinicSettings, getClinicSettings } from '@/db/queries/settings';
import type { ClinicActor } from './actor';

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies a PATCH: checks the version, validates the merged record (cross-field rules such as opening hours), writes
 * it, audits before/after and, when a policy field changed, refreshes the clinic's stored forecasts.
 */
export function updateClinicSettings(
  db: Db,
  actor: ClinicActor,
  patch: SettingsPatch,
  now: number,
): { settings: ClinicSettings; forecastsRefreshed: number | null } {
  return writeTransaction(db, (tx) => {
    const before = getClinicSettings(tx, actor.clinicId);
    assertSameVersion('clinic settings record', patch.version, before.version);
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
