'use client';

import { useMemo } from 'react';
import type { RefillFormContext } from '@/db/queries/refills';
import { localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import {
  appointmentsReplacedByRefill,
  assessRefillVisit,
  type RefillAssessment,
  type ReplacedAppointmentAction,
} from '@/lib/domain/refill';
import { isOverfill } from '@/lib/domain/volumes';
import { parseNumber, perUnit, type DoseUnit } from '../../_components/labels';
import type { RefillDraft } from './use-refill-draft';

/** What the draft means clinically, computed as the nurse types. */
export interface RefillCheck {
  unit: DoseUnit;
  /** mcg per unit shown (1 for mcg, 1000 for mg). */
  perUnit: number;
  visitAt: number;
  visitDate: string;
  aspiratedMl: number;
  hasAspirated: boolean;
  filledMl: number;
  concentrationMcg: number;
  /** Periodic boluses of a simple program, part of its daily dose. */
  bolusesMcgPerDay: number;
  newDailyMcg: number;
  /** The domain's assessment of the visit as typed, or null while it cannot be computed. */
  assessment: RefillAssessment | null;
  assessmentError: string | null;
  needsDiscrepancyConfirmation: boolean;
  concentrationChanged: boolean;
  needsSecond: boolean;
  /** The booked appointments this refill replaces, with the action chosen for each. */
  replaced: {
    id: number;
    defaultAction: ReturnType<typeof appointmentsReplacedByRefill>[number]['defaultAction'];
    action: ReplacedAppointmentAction;
    appointment: RefillFormContext['appointments'][number];
  }[];
}

/**
 * The live residual check: the same pure function the server runs (lib/domain/refill.ts assessRefillVisit), on
 * what has been typed so far. The server recomputes it, and its answer is the one saved.
 */
export function useRefillCheck(context: RefillFormContext, draft: RefillDraft): RefillCheck {
  const { timeZone, pump, program, state } = context;
  const order = draft.applyOrder ? context.pendingOrder : null;
  const unit = order ? order.doseUnit : program.doseUnit;
  const f = perUnit(unit);

  const visitAt = useMemo(() => {
    try {
      return draft.timeEdited ? localDateTimeToInstant(draft.date, draft.time, timeZone) : context.now;
    } catch {
      return Number.NaN;
    }
  }, [draft.timeEdited, draft.date, draft.time, timeZone, context.now]);
  const concentrationMcg = parseNumber(draft.concentration) * f;
  const aspiratedMl = parseNumber(draft.aspirated);
  const filledMl = parseNumber(draft.filled);
  const bolusesTaken = parseNumber(draft.bolusesTaken);
  const bolusesMcgPerDay =
    program.continuousDoseMcgPerDay != null ? program.dailyDoseMcg - program.continuousDoseMcgPerDay : 0;
  const newDailyMcg =
    program.mode === 'constant-flow' && pump.flowMlPerDay != null
      ? pump.flowMlPerDay * concentrationMcg
      : order
        ? order.dailyDoseMcg
        : draft.changeDose && program.mode === 'simple'
          ? parseNumber(draft.newDose) * f + bolusesMcgPerDay
          : program.dailyDoseMcg;

  const live = useMemo((): { assessment: RefillAssessment | null; error: string | null } => {
    if (!Number.isFinite(visitAt) || !(concentrationMcg > 0) || !(newDailyMcg >= 0))
      return { assessment: null, error: null };
    try {
      return {
        assessment: assessRefillVisit({
          state,
          visitAt,
          aspiratedResidualMl: Number.isFinite(aspiratedMl) && aspiratedMl >= 0 ? aspiratedMl : 0,
          volumeFilledMl:
            Number.isFinite(filledMl) && filledMl >= 0 && !isOverfill(filledMl, pump.reservoirMl)
              ? filledMl
              : 0,
          oldConcentrationMcgPerMl: program.concentrationMcgPerMl,
          newConcentrationMcgPerMl: concentrationMcg,
          bridgeBolusGiven: draft.bridgeGiven,
          oldDailyDoseMcg: program.dailyDoseMcg,
          newDailyDoseMcg: newDailyMcg,
          spasticityOrigin: context.patient.spasticityOrigin,
          patientBolusesTaken: Number.isFinite(bolusesTaken) ? bolusesTaken : 0,
          deadSpaceMl: pump.deadSpaceMl,
        }),
        error: null,
      };
    } catch (e) {
      return { assessment: null, error: (e as Error).message };
    }
  }, [
    state,
    visitAt,
    aspiratedMl,
    filledMl,
    pump,
    program,
    concentrationMcg,
    draft.bridgeGiven,
    newDailyMcg,
    context.patient.spasticityOrigin,
    bolusesTaken,
  ]);
  const a = live.assessment;
  const hasAspirated = draft.aspirated.trim() !== '' && Number.isFinite(aspiratedMl);
  const visitDate = localDateOf(Number.isFinite(visitAt) ? visitAt : context.now, timeZone);
  // The same rule as the server: which booked appointments this refill replaces, for the date entered.
  const replaced = appointmentsReplacedByRefill(context.appointments, visitDate, context.currentDueOn).map(
    (r) => ({
      ...r,
      appointment: context.appointments.find((ap) => ap.id === r.id)!,
      action: draft.appointmentChoices[r.id] ?? r.defaultAction,
    }),
  );

  return {
    unit,
    perUnit: f,
    visitAt,
    visitDate,
    aspiratedMl,
    hasAspirated,
    filledMl,
    concentrationMcg,
    bolusesMcgPerDay,
    newDailyMcg,
    assessment: a,
    assessmentError: live.error,
    needsDiscrepancyConfirmation: hasAspirated && (a?.discrepancyNeedsConfirmation ?? false),
    concentrationChanged: a?.concentrationChanged ?? false,
    needsSecond: a?.doseChange.exceedsUsualStep ?? false,
    replaced,
  };
}
