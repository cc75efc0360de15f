/**
 * What the refill form sends and what it refuses before sending: plain functions of the draft and its live check.
 * The server checks all of it again; these let the nurse see a problem next to the field at once.
 */
import type { RefillFormContext } from '@/db/queries/refills';
import { formatInstantIso, localDateOf } from '@/lib/domain/calendar';
import { fillVolumeProblem, isOverfill } from '@/lib/domain/volumes';
import { formatLocalDate } from '@/lib/format';
import type { RecordVisitBody } from '@/lib/validation/refill';
import { parseNumber } from '../../_components/labels';
import type { RefillCheck } from './use-refill-check';
import type { RefillDraft } from './use-refill-draft';

/** Field problems shown as soon as they are typed: an overfill, an expired drug. */
export function liveFieldErrors(context: RefillFormContext, draft: RefillDraft, check: RefillCheck) {
  const errors: Record<string, string> = {};
  const fillProblem = Number.isFinite(check.filledMl)
    ? fillVolumeProblem(check.filledMl, context.pump.reservoirMl, context.pump.alarmMl, 'Volume filled')
    : null;
  if (fillProblem) errors.volumeFilledMl = fillProblem;
  // The expiry as the DateInput gives it: ISO once read, the text as typed until then (checked on submit).
  if (
    /^\d{4}-\d{2}-\d{2}$/.test(draft.expires) &&
    Number.isFinite(check.visitAt) &&
    draft.expires < localDateOf(check.visitAt, context.timeZone)
  )
    errors.drugExpiresOn = `This drug expired on ${formatLocalDate(draft.expires)}: do not use it, take an unexpired one`;
  return errors;
}

/** A fill within the clinic's margin of the capacity is allowed, with a warning (reference.md B6b). */
export function nearCapacity(context: RefillFormContext, check: RefillCheck): boolean {
  return (
    Number.isFinite(check.filledMl) &&
    !isOverfill(check.filledMl, context.pump.reservoirMl) &&
    check.filledMl > context.pump.reservoirMl - context.fillWarnMarginMl
  );
}

/** The body as typed (the visit time as an ISO string in the clinic's zone), for POST …/visits. */
export function visitBody(
  context: RefillFormContext,
  draft: RefillDraft,
  check: RefillCheck,
  mayChangeDose: boolean,
): RecordVisitBody {
  const { program, timeZone } = context;
  const order = draft.applyOrder ? context.pendingOrder : null;
  const bridge = check.concentrationChanged && draft.bridgeGiven;
  return {
    performedAt:
      draft.timeEdited && Number.isFinite(check.visitAt)
        ? formatInstantIso(check.visitAt, timeZone)
        : undefined,
    aspiratedResidualMl: check.aspiratedMl,
    volumeFilledMl: check.filledMl,
    drugId: draft.drugId,
    drugLot: draft.lot,
    drugExpiresOn: draft.expires,
    concentrationMcgPerMl: check.concentrationMcg,
    newDoseMcgPerDay:
      mayChangeDose && !order && draft.changeDose && program.mode === 'simple'
        ? parseNumber(draft.newDose) * check.perUnit
        : null,
    applyOrderId: order ? order.id : null,
    patientBolusesTaken:
      program.patientBolus && draft.bolusesTaken.trim() !== '' ? parseNumber(draft.bolusesTaken) : undefined,
    bridgeBolusGiven: bridge,
    bridgeBolusMl: bridge ? parseNumber(draft.bridgeMl) : null,
    bridgeBolusNote: bridge ? draft.bridgeNote : '',
    confirmNoBridgeBolus: check.concentrationChanged && !draft.bridgeGiven && draft.confirmNoBridge,
    confirmDiscrepancy: check.needsDiscrepancyConfirmation && draft.confirmDiscrepancy,
    residualCheckedBeforeFill: draft.residualChecked,
    needlePlacementConfirmed: draft.needleConfirmed,
    templateUsed: draft.templateUsed,
    fillConfirmationMethod: draft.method || null,
    replacedAppointments: check.replaced.map((r) => ({ appointmentId: r.id, action: r.action })),
    secondPerson: draft.verifiedById
      ? { userId: draft.verifiedById, password: draft.verifierPassword }
      : null,
    notes: draft.notes,
  };
}

/** The confirmations a flagged visit needs before it is saved (E7 second person, E8 bridge bolus, E5 re-measure). */
export function missingConfirmations(draft: RefillDraft, check: RefillCheck): Record<string, string> {
  const missing: Record<string, string> = {};
  if (check.needsSecond && !draft.verifiedById)
    missing['secondPerson.userId'] =
      'The dose change is beyond the usual step (E7): a second person must confirm it with their own password';
  if (check.concentrationChanged && !draft.bridgeGiven && !draft.confirmNoBridge)
    missing.confirmNoBridgeBolus =
      'The concentration changed and no bridge bolus is recorded (E8): record the bridge bolus given, or confirm that you save without one';
  if (check.needsDiscrepancyConfirmation && !draft.confirmDiscrepancy)
    missing.confirmDiscrepancy =
      'The residual discrepancy is critical (E5): re-measure the aspirated volume, or confirm it to save';
  return missing;
}
