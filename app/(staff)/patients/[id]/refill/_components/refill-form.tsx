'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useMemo, useState } from 'react';
import type { RefillFormContext } from '@/db/queries/refills';
import { formatInstantIso, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import {
  appointmentsReplacedByRefill,
  assessRefillVisit,
  fillConfirmationMethods,
  type FillConfirmationMethod,
  type RefillAssessment,
  type ReplacedAppointmentAction,
} from '@/lib/domain/refill';
import { fillVolumeProblem, isOverfill } from '@/lib/domain/volumes';
import { formatInstant, formatLocalDate, formatMl } from '@/lib/format';
import { bookAppointment, scheduleKeys } from '@/lib/query/appointments';
import { ApiError } from '@/lib/query/client';
import { clinicalKeys, recordVisit, type RecordedVisit } from '@/lib/query/patients';
import { fieldErrors } from '@/lib/validation/errors';
import { recordVisitSchema, type RecordVisitBody } from '@/lib/validation/refill';
import {
  concentrationText,
  doseText,
  flagLabels,
  numberField,
  parseNumber,
  perUnit,
  severityLabels,
  signedMl,
  signedPct,
} from '../../_components/labels';

const clockOf = (at: number, tz: string) => formatInstantIso(at, tz).slice(11, 16);

const methodLabels: Record<FillConfirmationMethod, string> = {
  'aspiration-back': 'Aspiration back (~5 mL injected, then aspirated)',
  ultrasound: 'Ultrasound',
  fluoroscopy: 'Fluoroscopy',
};

const appointmentActionLabels: Record<ReplacedAppointmentAction, string> = {
  done: 'Close it (mark done)',
  cancel: 'Cancel it',
  keep: 'Keep it',
};

/** The refill visit form: live residual check with the domain's own function; the server recomputes and decides. */
export function RefillForm({ context, mayChangeDose }: { context: RefillFormContext; mayChangeDose: boolean }) {
  const id = useId();
  const queryClient = useQueryClient();
  const { timeZone, pump, program, state } = context;
  const order = context.pendingOrder;
  // The physician's pending order is applied by default: its drug, concentration and dose are what goes in.
  const [applyOrder, setApplyOrder] = useState(order !== null);
  const unit = applyOrder && order ? order.doseUnit : program.doseUnit;
  const f = perUnit(unit);

  const [date, setDate] = useState(() => localDateOf(context.now, timeZone));
  const [time, setTime] = useState(() => clockOf(context.now, timeZone));
  const [timeEdited, setTimeEdited] = useState(false);
  const [aspirated, setAspirated] = useState('');
  const [filled, setFilled] = useState(numberField(state.lastRefill.volumeMl));
  const [drugId, setDrugId] = useState(order?.drugId ?? program.drugId);
  const [lot, setLot] = useState('');
  const [expires, setExpires] = useState('');
  const [concentration, setConcentration] = useState(
    numberField((order?.concentrationMcgPerMl ?? program.concentrationMcgPerMl) / f),
  );
  const [changeDose, setChangeDose] = useState(false);
  const [newDose, setNewDose] = useState(
    numberField((program.continuousDoseMcgPerDay ?? program.dailyDoseMcg) / f),
  );
  const [bridgeGiven, setBridgeGiven] = useState(false);
  const [bridgeNote, setBridgeNote] = useState('');
  const [bridgeMl, setBridgeMl] = useState('');
  const [confirmDiscrepancy, setConfirmDiscrepancy] = useState(false);
  const [residualChecked, setResidualChecked] = useState(false);
  const [needleConfirmed, setNeedleConfirmed] = useState(false);
  const [templateUsed, setTemplateUsed] = useState(false);
  const [method, setMethod] = useState<FillConfirmationMethod | ''>('');
  const [appointmentChoices, setAppointmentChoices] = useState<Record<number, ReplacedAppointmentAction>>({});
  const [confirmNoBridge, setConfirmNoBridge] = useState(false);
  const [bolusesTaken, setBolusesTaken] = useState('');
  const [verifiedById, setVerifiedById] = useState('');
  const [verifierPassword, setVerifierPassword] = useState('');
  const [notes, setNotes] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const product = context.products.find((d) => d.id === drugId) ?? context.products[0]!;
  const visitAt = useMemo(() => {
    try {
      return timeEdited ? localDateTimeToInstant(date, time, timeZone) : context.now;
    } catch {
      return Number.NaN;
    }
  }, [timeEdited, date, time, timeZone, context.now]);
  const concentrationMcg = parseNumber(concentration) * f;
  const aspiratedMl = parseNumber(aspirated);
  const filledMl = parseNumber(filled);
  const boluses =
    program.continuousDoseMcgPerDay != null ? program.dailyDoseMcg - program.continuousDoseMcgPerDay : 0;
  const newDailyMcg =
    program.mode === 'constant-flow' && pump.flowMlPerDay != null
      ? pump.flowMlPerDay * concentrationMcg
      : applyOrder && order
        ? order.dailyDoseMcg
        : changeDose && program.mode === 'simple'
          ? parseNumber(newDose) * f + boluses
          : program.dailyDoseMcg;

  // The same pure function the server runs; the server's answer is the one saved.
  const live: { assessment: RefillAssessment | null; error: string | null } = useMemo(() => {
    if (!Number.isFinite(visitAt) || !(concentrationMcg > 0) || !(newDailyMcg >= 0))
      return { assessment: null, error: null };
    try {
      return {
        assessment: assessRefillVisit({
          state,
          visitAt,
          aspiratedResidualMl: Number.isFinite(aspiratedMl) && aspiratedMl >= 0 ? aspiratedMl : 0,
          volumeFilledMl:
            Number.isFinite(filledMl) && filledMl >= 0 && !isOverfill(filledMl, pump.reservoirMl) ? filledMl : 0,
          oldConcentrationMcgPerMl: program.concentrationMcgPerMl,
          newConcentrationMcgPerMl: concentrationMcg,
          bridgeBolusGiven: bridgeGiven,
          oldDailyDoseMcg: program.dailyDoseMcg,
          newDailyDoseMcg: newDailyMcg,
          spasticityOrigin: context.patient.spasticityOrigin,
          patientBolusesTaken: Number.isFinite(parseNumber(bolusesTaken)) ? parseNumber(bolusesTaken) : 0,
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
    bridgeGiven,
    newDailyMcg,
    context.patient.spasticityOrigin,
    bolusesTaken,
  ]);
  const a = live.assessment;
  const hasAspirated = aspirated.trim() !== '' && Number.isFinite(aspiratedMl);
  const needsDiscrepancyConfirmation = hasAspirated && (a?.discrepancyNeedsConfirmation ?? false);
  const visitDate = Number.isFinite(visitAt) ? localDateOf(visitAt, timeZone) : localDateOf(context.now, timeZone);
  // The same rule as the server: which booked appointments this refill replaces, for the date entered.
  const replaced = appointmentsReplacedByRefill(context.appointments, visitDate, context.currentDueOn).map(
    (r) => ({
      ...r,
      appointment: context.appointments.find((ap) => ap.id === r.id)!,
      action: appointmentChoices[r.id] ?? r.defaultAction,
    }),
  );
  const concentrationChanged = a?.concentrationChanged ?? false;
  const needsSecond = a?.doseChange.exceedsUsualStep ?? false;

  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof recordVisit>[1]) => recordVisit(pump.id, body),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: clinicalKeys.patient(context.patient.id) }),
        queryClient.invalidateQueries({ queryKey: clinicalKeys.visits(pump.id) }),
        queryClient.invalidateQueries({ queryKey: clinicalKeys.programs(pump.id) }),
        queryClient.invalidateQueries({ queryKey: clinicalKeys.worklist }),
        queryClient.invalidateQueries({ queryKey: scheduleKeys.appointments }),
      ]);
    },
  });

  if (mutation.data) return <RefillResult result={mutation.data} context={context} />;

  // Client checks mirror the server's, so the nurse sees them at once; the server checks them again.
  const clientErrors: Record<string, string> = {};
  const fillProblem = Number.isFinite(filledMl)
    ? fillVolumeProblem(filledMl, pump.reservoirMl, pump.alarmMl, 'Volume filled')
    : null;
  if (fillProblem) clientErrors.volumeFilledMl = fillProblem;
  if (expires && Number.isFinite(visitAt) && expires < localDateOf(visitAt, timeZone))
    clientErrors.drugExpiresOn = `This drug expired on ${formatLocalDate(expires)}: do not use it, take an unexpired one`;
  const serverErrors = mutation.error instanceof ApiError ? mutation.error.fields : {};
  const errors: Record<string, string> = {
    ...(submitted ? localErrors : {}),
    ...serverErrors,
    ...clientErrors,
  };
  const fillWarning =
    Number.isFinite(filledMl) &&
    !isOverfill(filledMl, pump.reservoirMl) &&
    filledMl > pump.reservoirMl - context.fillWarnMarginMl;

  const describe = (key: string, extra?: string) =>
    [errors[key] ? `${id}-${key}-err` : null, extra].filter(Boolean).join(' ') || undefined;
  const errorText = (key: string) =>
    errors[key] ? (
      <span id={`${id}-${key}-err`} className="field-error">
        {errors[key]}
      </span>
    ) : null;
  const inv = (key: string) => (errors[key] ? true : undefined);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const body: RecordVisitBody = {
      performedAt: timeEdited && Number.isFinite(visitAt) ? formatInstantIso(visitAt, timeZone) : undefined,
      aspiratedResidualMl: aspiratedMl,
      volumeFilledMl: filledMl,
      drugId,
      drugLot: lot,
      drugExpiresOn: expires,
      concentrationMcgPerMl: concentrationMcg,
      newDoseMcgPerDay:
        mayChangeDose && !applyOrder && changeDose && program.mode === 'simple' ? parseNumber(newDose) * f : null,
      applyOrderId: applyOrder && order ? order.id : null,
      patientBolusesTaken:
        program.patientBolus && bolusesTaken.trim() !== '' ? parseNumber(bolusesTaken) : undefined,
      bridgeBolusGiven: concentrationChanged && bridgeGiven,
      bridgeBolusMl: concentrationChanged && bridgeGiven ? parseNumber(bridgeMl) : null,
      bridgeBolusNote: concentrationChanged && bridgeGiven ? bridgeNote : '',
      confirmNoBridgeBolus: concentrationChanged && !bridgeGiven && confirmNoBridge,
      confirmDiscrepancy: needsDiscrepancyConfirmation && confirmDiscrepancy,
      residualCheckedBeforeFill: residualChecked,
      needlePlacementConfirmed: needleConfirmed,
      templateUsed,
      fillConfirmationMethod: method || null,
      replacedAppointments: replaced.map((r) => ({ appointmentId: r.id, action: r.action })),
      secondPerson: verifiedById ? { userId: verifiedById, password: verifierPassword } : null,
      notes,
    };
    const parsed = recordVisitSchema.safeParse(body);
    const local = parsed.success ? {} : fieldErrors(parsed.error);
    if (needsSecond && !verifiedById)
      local['secondPerson.userId'] =
        'The dose change is beyond the usual step (E7): a second person must confirm it with their own password';
    if (concentrationChanged && !bridgeGiven && !confirmNoBridge)
      local.confirmNoBridgeBolus =
        'The concentration changed and no bridge bolus is recorded (E8): record the bridge bolus given, or confirm that you save without one';
    if (needsDiscrepancyConfirmation && !confirmDiscrepancy)
      local.confirmDiscrepancy =
        'The residual discrepancy is critical (E5): re-measure the aspirated volume, or confirm it to save';
    setLocalErrors(local);
    if (!parsed.success || Object.keys(local).length > 0 || Object.keys(clientErrors).length > 0) return;
    // The body as typed (the visit time as an ISO string): parsed.data holds it as epoch ms, which the API refuses.
    mutation.mutate(body);
  };

  return (
    <form className="rf-form" onSubmit={submit} noValidate aria-describedby={`${id}-live`}>
      <div className="rf-columns">
        <div className="stack">
          <fieldset className="card stack">
            <legend>Residual volume check</legend>
            <div className="rf-row">
              <label>
                Visit date
                <input
                  type="date"
                  value={date}
                  max={localDateOf(context.now, timeZone)}
                  onChange={(e) => {
                    setDate(e.target.value);
                    setTimeEdited(true);
                  }}
                  aria-invalid={inv('performedAt')}
                  aria-describedby={describe('performedAt')}
                />
              </label>
              <label>
                Time ({timeZone})
                <input
                  type="time"
                  value={time}
                  onChange={(e) => {
                    setTime(e.target.value);
                    setTimeEdited(true);
                  }}
                  aria-invalid={inv('performedAt')}
                  aria-describedby={describe('performedAt')}
                />
              </label>
            </div>
            {errorText('performedAt')}
            <p className="rf-expected">
              Expected residual:{' '}
              <strong>{a ? formatMl(Math.round(a.expectedResidualMl * 100) / 100) : '—'}</strong>
              <span className="muted small">
                {' '}
                ({formatMl(state.lastRefill.volumeMl)} filled {formatInstant(state.lastRefill.at, timeZone)},
                less the programmed delivery
                {a ? ` of ${formatMl(Math.round(a.deliveredMl * 100) / 100)}` : ''})
              </span>
            </p>
            <label>
              Aspirated residual (mL)
              <input
                inputMode="decimal"
                autoComplete="off"
                value={aspirated}
                onChange={(e) => setAspirated(e.target.value)}
                aria-invalid={inv('aspiratedResidualMl')}
                aria-describedby={describe('aspiratedResidualMl', `${id}-live`)}
              />
              {errorText('aspiratedResidualMl')}
            </label>
            {program.patientBolus && (
              <label>
                Patient boluses taken since the last fill (from the pump log)
                <input
                  inputMode="numeric"
                  value={bolusesTaken}
                  onChange={(e) => setBolusesTaken(e.target.value)}
                  aria-invalid={inv('patientBolusesTaken')}
                  aria-describedby={describe('patientBolusesTaken')}
                />
                {errorText('patientBolusesTaken')}
              </label>
            )}
            <div
              id={`${id}-live`}
              role="status"
              aria-live="polite"
              className={`rf-live ${a && hasAspirated ? `rf-flag-${a.flag}` : ''}`}
            >
              {a && hasAspirated ? (
                <>
                  <p>
                    Discrepancy <strong>{signedMl(a.discrepancyMl)}</strong> ({signedPct(a.discrepancyPct)} of
                    the delivered volume): <strong>{flagLabels[a.flag]}</strong>{' '}
                    <span className="small">
                      (tolerance ±{formatMl(Math.round(a.toleranceMl * 100) / 100)})
                    </span>
                  </p>
                  {a.alerts
                    .filter((al) => al.code === 'E5' || al.code === 'E1')
                    .map((al) => (
                      <p key={al.code} className={`sev-${al.severity}`}>
                        {severityLabels[al.severity]}: {al.message}
                      </p>
                    ))}
                </>
              ) : (
                <p className="muted">Type the aspirated residual to see the discrepancy.</p>
              )}
              {live.error && <p className="error">{live.error}</p>}
            </div>
            {needsDiscrepancyConfirmation && (
              <div className="notice danger stack">
                <p>
                  <strong>Critical discrepancy.</strong> Re-measure the aspirated volume before saving. If it is
                  right, confirm it: the alert stays open until a physician reviews it.
                </p>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={confirmDiscrepancy}
                    onChange={(e) => setConfirmDiscrepancy(e.target.checked)}
                    aria-invalid={inv('confirmDiscrepancy')}
                    aria-describedby={describe('confirmDiscrepancy')}
                  />{' '}
                  I re-measured the aspirated volume and confirm {formatMl(aspiratedMl)}
                </label>
                {errorText('confirmDiscrepancy')}
              </div>
            )}
          </fieldset>

          <fieldset className="card stack rf-safeguards">
            <legend>Before filling: pocket-fill safeguards (E6)</legend>
            <label className="inline">
              <input
                type="checkbox"
                checked={residualChecked}
                onChange={(e) => setResidualChecked(e.target.checked)}
                aria-invalid={inv('residualCheckedBeforeFill')}
                aria-describedby={describe('residualCheckedBeforeFill')}
              />{' '}
              Aspirated volume checked against the expected before filling
            </label>
            {errorText('residualCheckedBeforeFill')}
            <label className="inline">
              <input
                type="checkbox"
                checked={needleConfirmed}
                onChange={(e) => setNeedleConfirmed(e.target.checked)}
                aria-invalid={inv('needlePlacementConfirmed')}
                aria-describedby={describe('needlePlacementConfirmed')}
              />{' '}
              Needle placement in the reservoir confirmed
            </label>
            {errorText('needlePlacementConfirmed')}
            <label className="inline">
              <input type="checkbox" checked={templateUsed} onChange={(e) => setTemplateUsed(e.target.checked)} />{' '}
              Template used to locate the port
            </label>
            <fieldset
              className="rf-radios"
              aria-invalid={inv('fillConfirmationMethod')}
              aria-describedby={describe('fillConfirmationMethod')}
            >
              <legend>Fill confirmed in the reservoir by</legend>
              {fillConfirmationMethods.map((m) => (
                <label key={m} className="inline">
                  <input
                    type="radio"
                    name={`${id}-method`}
                    value={m}
                    checked={method === m}
                    onChange={() => setMethod(m)}
                  />{' '}
                  {methodLabels[m]}
                </label>
              ))}
              {errorText('fillConfirmationMethod')}
            </fieldset>
          </fieldset>

          <fieldset className="card stack">
            <legend>New drug</legend>
            <div className="rf-row">
              <label>
                Drug product
                <select
                  value={drugId}
                  onChange={(e) => {
                    const next = context.products.find((d) => d.id === Number(e.target.value))!;
                    setDrugId(next.id);
                    const options = next.concentrationsMcgPerMl.map((c) => numberField(c / f));
                    if (!options.includes(concentration)) setConcentration(options[0] ?? '');
                  }}
                  aria-describedby={describe('drugId')}
                >
                  {context.products.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.product}
                    </option>
                  ))}
                </select>
                {errorText('drugId')}
              </label>
              <label>
                Concentration
                <select
                  value={concentration}
                  onChange={(e) => setConcentration(e.target.value)}
                  aria-invalid={inv('concentrationMcgPerMl')}
                  aria-describedby={describe('concentrationMcgPerMl')}
                >
                  {product.concentrationsMcgPerMl.map((c) => (
                    <option key={c} value={numberField(c / f)}>
                      {concentrationText(c, unit)}
                      {c === program.concentrationMcgPerMl ? ' (current)' : ''}
                    </option>
                  ))}
                </select>
                {errorText('concentrationMcgPerMl')}
              </label>
            </div>
            <div className="rf-row">
              <label>
                Lot number
                <input
                  value={lot}
                  maxLength={40}
                  autoComplete="off"
                  onChange={(e) => setLot(e.target.value)}
                  aria-invalid={inv('drugLot')}
                  aria-describedby={describe('drugLot')}
                />
                {errorText('drugLot')}
              </label>
              <label>
                Expiry date
                <input
                  type="date"
                  value={expires}
                  onChange={(e) => setExpires(e.target.value)}
                  aria-invalid={inv('drugExpiresOn')}
                  aria-describedby={describe('drugExpiresOn')}
                />
                {errorText('drugExpiresOn')}
              </label>
            </div>
            <label>
              Volume filled (mL, reservoir holds {formatMl(pump.reservoirMl)})
              <input
                inputMode="decimal"
                value={filled}
                onChange={(e) => setFilled(e.target.value)}
                aria-invalid={inv('volumeFilledMl')}
                aria-describedby={describe('volumeFilledMl', fillWarning ? `${id}-fill-warn` : undefined)}
              />
              {errorText('volumeFilledMl')}
              {fillWarning && !errors.volumeFilledMl && (
                <span id={`${id}-fill-warn`} className="rf-warn">
                  Within {context.fillWarnMarginMl} mL of the capacity: do not overfill.
                </span>
              )}
            </label>
            {concentrationChanged && (
              <div className="notice warn stack">
                <p>
                  <strong>Concentration change</strong> from{' '}
                  {concentrationText(program.concentrationMcgPerMl, unit)} to{' '}
                  {concentrationText(concentrationMcg, unit)}: the pump tubing and catheter still hold the old
                  drug. Program a bridge bolus (E8).
                </p>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={bridgeGiven}
                    onChange={(e) => setBridgeGiven(e.target.checked)}
                  />{' '}
                  Bridge bolus given
                </label>
                {bridgeGiven ? (
                  <>
                    <label>
                      Bridge bolus volume (mL, drawn from the reservoir)
                      <input
                        inputMode="decimal"
                        autoComplete="off"
                        value={bridgeMl}
                        onChange={(e) => setBridgeMl(e.target.value)}
                        aria-invalid={inv('bridgeBolusMl')}
                        aria-describedby={describe('bridgeBolusMl')}
                      />
                      {errorText('bridgeBolusMl')}
                    </label>
                    {Number.isFinite(parseNumber(bridgeMl)) &&
                      parseNumber(bridgeMl) > 0 &&
                      parseNumber(bridgeMl) < filledMl && (
                        <p className="small">
                          Reservoir after the bolus:{' '}
                          {formatMl(Math.round((filledMl - parseNumber(bridgeMl)) * 1000) / 1000)}
                        </p>
                      )}
                    <label>
                      Bridge bolus duration and note
                      <input
                        value={bridgeNote}
                        maxLength={500}
                        onChange={(e) => setBridgeNote(e.target.value)}
                        aria-invalid={inv('bridgeBolusNote')}
                        aria-describedby={describe('bridgeBolusNote')}
                      />
                      {errorText('bridgeBolusNote')}
                    </label>
                  </>
                ) : (
                  <>
                    {a?.alerts
                      .filter((al) => al.code === 'E8')
                      .map((al) => (
                        <p key={al.code} className="sev-high">
                          {al.message}
                        </p>
                      ))}
                    <label className="inline">
                      <input
                        type="checkbox"
                        checked={confirmNoBridge}
                        onChange={(e) => setConfirmNoBridge(e.target.checked)}
                        aria-invalid={inv('confirmNoBridgeBolus')}
                        aria-describedby={describe('confirmNoBridgeBolus')}
                      />{' '}
                      I confirm saving without a bridge bolus
                    </label>
                    {errorText('confirmNoBridgeBolus')}
                  </>
                )}
              </div>
            )}
          </fieldset>
        </div>

        <div className="stack">
          <fieldset className="card stack">
            <legend>Program</legend>
            <p>
              Current: <strong>{doseText(program.dailyDoseMcg, program.doseUnit)}</strong> at{' '}
              {concentrationText(program.concentrationMcgPerMl, program.doseUnit)} (
              {program.mode === 'simple' ? 'simple continuous' : program.mode})
            </p>
            {order && (
              <div className="notice stack">
                <p>
                  <strong>Order for this refill</strong> by {order.orderedByName},{' '}
                  {formatInstant(order.orderedAt, timeZone)}: {order.drugProduct}{' '}
                  {concentrationText(order.concentrationMcgPerMl, order.doseUnit)},{' '}
                  <strong>{doseText(order.dailyDoseMcg, order.doseUnit)}</strong>. {order.reason}
                </p>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={applyOrder}
                    onChange={(e) => {
                      setApplyOrder(e.target.checked);
                      const next = e.target.checked ? order : program;
                      setDrugId(next.drugId);
                      setConcentration(numberField(next.concentrationMcgPerMl / perUnit(next.doseUnit)));
                    }}
                  />{' '}
                  Apply this order at this refill (fill {concentrationText(order.concentrationMcgPerMl, order.doseUnit)})
                </label>
              </div>
            )}
            {applyOrder && order ? null : program.mode === 'simple' && mayChangeDose ? (
              <>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={changeDose}
                    onChange={(e) => setChangeDose(e.target.checked)}
                  />{' '}
                  Change the daily dose at this refill
                </label>
                {changeDose && (
                  <label>
                    New daily dose ({unit}/day{boluses > 0 ? ', continuous part' : ''})
                    <input
                      inputMode="decimal"
                      value={newDose}
                      onChange={(e) => setNewDose(e.target.value)}
                      aria-invalid={inv('newDoseMcgPerDay')}
                      aria-describedby={describe('newDoseMcgPerDay')}
                    />
                    {errorText('newDoseMcgPerDay')}
                  </label>
                )}
              </>
            ) : (
              <p className="small muted">
                {program.mode === 'simple'
                  ? 'A dose change is a physician’s order: the physician orders it for this refill on the program page, and it is applied here.'
                  : program.mode === 'flex'
                    ? 'A flex program is changed by the physician on the program page.'
                    : 'A constant-flow pump’s dose changes only with the concentration, by a physician’s order.'}
              </p>
            )}
            {a && a.doseChange.direction !== 'none' && (
              <p className={needsSecond ? 'notice warn' : 'small'}>
                New dose {doseText(newDailyMcg, unit)} (
                {a.doseChange.changePct == null ? 'from 0' : signedPct(a.doseChange.changePct)}).{' '}
                {needsSecond ? (
                  <strong>
                    Beyond the usual {a.doseChange.limitPct} % step at a refill (E7): a second person must
                    verify.
                  </strong>
                ) : (
                  `Within the usual ${a.doseChange.limitPct} % step.`
                )}
              </p>
            )}
          </fieldset>

          <fieldset className="card stack" aria-describedby={describe('replacedAppointments')}>
            <legend>Booked appointment this refill replaces</legend>
            {replaced.length === 0 ? (
              <p className="small muted">No booked refill appointment from {formatLocalDate(visitDate)} on.</p>
            ) : (
              replaced.map((r) => (
                <fieldset key={r.id} className="rf-radios">
                  <legend>
                    {r.appointment.type === 'replacement' ? 'Replacement' : 'Refill'} appointment{' '}
                    {formatInstant(r.appointment.startsAt, timeZone)}
                    {r.defaultAction === 'keep' ? ' (after the due date it was booked for)' : ''}
                  </legend>
                  {(['done', 'cancel', 'keep'] as const).map((action) => (
                    <label key={action} className="inline">
                      <input
                        type="radio"
                        name={`${id}-appt-${r.id}`}
                        value={action}
                        checked={r.action === action}
                        onChange={() => setAppointmentChoices((c) => ({ ...c, [r.id]: action }))}
                      />{' '}
                      {appointmentActionLabels[action]}
                    </label>
                  ))}
                </fieldset>
              ))
            )}
            {errorText('replacedAppointments')}
          </fieldset>

          <fieldset className="card stack">
            <legend>Verification and notes</legend>
            <label>
              Second person who verified{needsSecond ? ' (required)' : ''}
              <select
                value={verifiedById}
                onChange={(e) => setVerifiedById(e.target.value)}
                aria-invalid={inv('secondPerson.userId')}
                aria-describedby={describe('secondPerson.userId')}
              >
                <option value="">{needsSecond ? 'Choose…' : 'None'}</option>
                {context.verifiers.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name} ({v.role})
                  </option>
                ))}
              </select>
              {errorText('secondPerson.userId')}
            </label>
            {verifiedById && (
              <label>
                Their password (they type it to confirm)
                <input
                  type="password"
                  autoComplete="off"
                  value={verifierPassword}
                  onChange={(e) => setVerifierPassword(e.target.value)}
                  aria-invalid={inv('secondPerson.password')}
                  aria-describedby={describe('secondPerson.password')}
                />
                {errorText('secondPerson.password')}
              </label>
            )}
            <label>
              Notes
              <textarea
                rows={3}
                value={notes}
                maxLength={2000}
                onChange={(e) => setNotes(e.target.value)}
                aria-describedby={describe('notes')}
              />
              {errorText('notes')}
            </label>
          </fieldset>

          {mutation.error && (
            <p role="alert" className="notice danger">
              Not saved: {mutation.error.message}
            </p>
          )}
          {submitted && Object.keys(localErrors).length > 0 && !mutation.error && (
            <p role="alert" className="notice danger">
              Not saved: please correct the fields marked in red.
            </p>
          )}
          <div className="pt-buttons">
            <button type="submit" disabled={mutation.isPending}>
              {mutation.isPending ? 'Saving…' : 'Save refill'}
            </button>
            <Link className="button secondary" href={`/patients/${context.patient.id}`}>
              Cancel
            </Link>
          </div>
        </div>
      </div>
    </form>
  );
}

function RefillResult({ result, context }: { result: RecordedVisit; context: RefillFormContext }) {
  const queryClient = useQueryClient();
  const tz = result.timeZone;
  const book = useMutation({
    mutationFn: (slot: RecordedVisit['slots'][number]) =>
      bookAppointment({
        pumpId: context.pump.id,
        date: slot.date,
        time: slot.time,
        type: 'refill',
        notes: '',
      }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: scheduleKeys.appointments }),
        queryClient.invalidateQueries({ queryKey: scheduleKeys.slots }),
        queryClient.invalidateQueries({ queryKey: scheduleKeys.worklist }),
        queryClient.invalidateQueries({ queryKey: clinicalKeys.patient(context.patient.id) }),
      ]);
    },
  });
  const flagged = result.assessment.flag !== 'none';
  const alerts = result.assessment.alerts;
  return (
    <div className="stack rf-result">
      <section
        className={`card stack ${flagged ? 'rf-result-flagged' : ''}`}
        aria-labelledby="rf-saved"
        role="status"
      >
        <h2 id="rf-saved">
          Refill saved{flagged ? `: ${flagLabels[result.assessment.flag].toLowerCase()} flagged` : ''}
        </h2>
        <dl className="facts">
          <dt>Expected residual</dt>
          <dd>{formatMl(Math.round(result.assessment.expectedResidualMl * 100) / 100)}</dd>
          <dt>Aspirated</dt>
          <dd>{formatMl(result.visit.aspiratedResidualMl)}</dd>
          <dt>Discrepancy</dt>
          <dd>
            {signedMl(result.assessment.discrepancyMl)} ({signedPct(result.assessment.discrepancyPct)}):{' '}
            <strong>{flagLabels[result.assessment.flag]}</strong>
          </dd>
          <dt>Filled</dt>
          <dd>{formatMl(result.visit.volumeFilledMl)}</dd>
          {result.programChanged && (
            <>
              <dt>Program</dt>
              <dd>new version {result.newProgramVersionNo}</dd>
            </>
          )}
          <dt>Refill due</dt>
          <dd>
            <strong data-testid="new-due-date">{formatLocalDate(result.forecast.refillDueOn)}</strong>
            {result.previousDueOn && result.previousDueOn !== result.forecast.refillDueOn && (
              <span className="muted"> (was {formatLocalDate(result.previousDueOn)})</span>
            )}
          </dd>
          <dt>Alarm</dt>
          <dd>
            {result.forecast.lowReservoirAlarmAt
              ? formatInstant(Date.parse(result.forecast.lowReservoirAlarmAt), tz)
              : '—'}
          </dd>
        </dl>
        {alerts.length > 0 && (
          <ul className="pt-alert-list">
            {alerts.map((al) => (
              <li key={al.code} className={`pt-alert sev-${al.severity}`}>
                <span className="pt-sev">{severityLabels[al.severity]}</span>{' '}
                <span className="pt-alert-msg">{al.message}</span>
              </li>
            ))}
          </ul>
        )}
        {result.appointments.length > 0 && (
          <ul className="small">
            {result.appointments.map((ap) => (
              <li key={ap.id}>
                Appointment {formatInstant(Date.parse(ap.startsAt), tz)}:{' '}
                {ap.action === 'done' ? 'closed (done)' : ap.action === 'cancel' ? 'cancelled' : 'kept'}
              </li>
            ))}
          </ul>
        )}
        {result.warnings.map((w) => (
          <p key={w} className="notice warn">
            {w}
          </p>
        ))}
      </section>

      <section className="card stack" aria-labelledby="rf-next">
        <h2 id="rf-next">Book the next refill before the patient leaves</h2>
        {book.data ? (
          <p className="notice" role="status">
            Booked: <strong>{formatInstant(book.data.startsAt, tz)}</strong> ({book.data.durationMinutes}{' '}
            min). The due date is {formatLocalDate(result.forecast.refillDueOn)}.
          </p>
        ) : result.slots.length > 0 ? (
          <>
            <p>
              The earliest open time on each day before the due date (
              {formatLocalDate(result.forecast.refillDueOn)}):
            </p>
            <ul className="rf-slots">
              {result.slots.map((slot) => (
                <li key={slot.startsAt}>
                  <button type="button" disabled={book.isPending} onClick={() => book.mutate(slot)}>
                    Book {formatLocalDate(slot.date)} at {slot.time}
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="notice warn">No open slot before the due date: book by hand in the calendar.</p>
        )}
        {book.error && (
          <p role="alert" className="notice danger">
            Not booked: {book.error.message}
          </p>
        )}
        <p>
          <Link href={`/appointments?pumpId=${context.pump.id}`}>Another day or time: the appointments page</Link> ·{' '}
          <Link href={`/patients/${context.patient.id}`}>Back to {context.patient.name}</Link>
        </p>
      </section>
    </div>
  );
}
