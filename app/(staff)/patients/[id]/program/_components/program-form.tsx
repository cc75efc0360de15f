'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useMemo, useState } from 'react';
import type { ProgramFormContext } from '@/db/queries/programs';
import { formatInstantIso } from '@/lib/domain/calendar';
import { assessDoseChangeOver24h, changedReservoirField } from '@/lib/domain/dose-steps';
import { assessDoseChange } from '@/lib/domain/refill';
import { formatConcentration, formatInstant, formatLocalDate, formatMlPerDay, statusLabels } from '@/lib/format';
import { ApiError } from '@/lib/query/client';
import { changeProgram, forecastPreviewQuery, type ForecastJson } from '@/lib/query/patients';
import { refetchAfter } from '@/lib/query/keys';
import { fieldErrors } from '@/lib/validation/errors';
import {
  changeProgramSchema,
  programSpecSchema,
  type OrderTiming,
  type ProgramSpecInput,
} from '@/lib/validation/program';
import { doseText, severityLabels, signedPct } from '../../_components/labels';
import {
  dailyDoseOf,
  draftFromProgram,
  programInput,
  ProgramEditor,
  unitOf,
  type ProgramDraft,
} from '../../_components/program-editor';

export type ProgramChangeResult = Awaited<ReturnType<typeof changeProgram>>;

/** Debounces a value so the preview is asked once the physician stops typing. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * A physician's order. Applied now, it keeps the drug and concentration in the reservoir and its forecast preview
 * (current vs new) must be on screen before Save is possible; for the next refill it may change them, and the
 * nurse applies it when refilling. A step beyond the usual one over 24 h (E7), or a change of drug, is confirmed
 * by a second experienced person with their own password (S55).
 */
export function ProgramForm({
  context,
  onSaved,
}: {
  context: ProgramFormContext;
  /** The saved order or version, shown by the page's ProgramChange above this (keyed) form. */
  onSaved?: (result: ProgramChangeResult) => void;
}) {
  const id = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { program, pump, drugs } = context;
  const [timing, setTiming] = useState<OrderTiming>('now');
  const [draft, setDraft] = useState<ProgramDraft>(() => draftFromProgram(program));
  const [reason, setReason] = useState('');
  const [secondPersonId, setSecondPersonId] = useState('');
  const [secondPassword, setSecondPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);

  // Applied now, the reservoir's drug and concentration stay what they are, whatever the draft had.
  const reservoir = draftFromProgram(program);
  const effective = timing === 'now' ? { ...draft, drugId: reservoir.drugId, concentration: reservoir.concentration } : draft;
  const input = programInput(effective, drugs);
  const unit = unitOf(drugs, effective.drugId);
  const spec = programSpecSchema.safeParse(input);
  const newDaily = spec.success ? dailyDoseOf(input, pump.flowMlPerDay) : Number.NaN;
  const newDrugName = drugs.find((d) => d.id === effective.drugId)?.name;
  const drugChanged = newDrugName !== undefined && newDrugName !== program.drugName;
  const reservoirChange = changedReservoirField(program, input);
  const origin = context.patient.spasticityOrigin;
  const doseChange =
    !Number.isFinite(newDaily) || drugChanged
      ? null
      : timing === 'now'
        ? assessDoseChangeOver24h(context.doseHistory, newDaily, origin, context.now)
        : {
            ...assessDoseChange(program.dailyDoseMcg, newDaily, origin, 'refill'),
            baselineMcgPerDay: program.dailyDoseMcg,
          };
  const needsSecond = drugChanged || !!doseChange?.exceedsUsualStep;
  const unchanged = JSON.stringify(programInput(reservoir, drugs)) === JSON.stringify(input);

  const specKey = spec.success ? JSON.stringify(spec.data) : null;
  const debouncedKey = useDebounced(specKey, 350);
  // The what-if request: the current state plus the new version from now (POST /api/v1/forecast).
  const request = useMemo(() => {
    if (debouncedKey === null) return null;
    const at = formatInstantIso(context.now + 1000, context.timeZone);
    const p = JSON.parse(debouncedKey) as ProgramSpecInput;
    return {
      ...context.forecastRequest,
      now: at,
      programs: [
        ...context.forecastRequest.programs,
        {
          from: at,
          concentrationMcgPerMl: p.concentrationMcgPerMl,
          mode: p.mode,
          doseMcgPerDay: p.doseMcgPerDay ?? undefined,
          steps: p.flexSteps ?? undefined,
          periodicBoluses: p.periodicBoluses ?? undefined,
          patientBolus: p.patientBolus ?? null,
        },
      ],
    };
  }, [debouncedKey, context.now, context.timeZone, context.forecastRequest]);
  const preview = useQuery(forecastPreviewQuery(request, request !== null && !unchanged && timing === 'now'));
  // An order for the next refill changes nothing until it is applied: there is no preview to wait for.
  const previewCurrent =
    timing === 'next-refill' || (preview.data !== undefined && debouncedKey === specKey && !preview.isFetching);

  const full = {
    ...input,
    timing,
    expectedVersionNo: program.versionNo,
    reason,
    secondPerson: needsSecond ? { userId: secondPersonId, password: secondPassword } : null,
  };
  const parsed = changeProgramSchema.safeParse(full);
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof changeProgram>[1]) => changeProgram(pump.id, body),
    onSuccess: async (result) => {
      onSaved?.(result);
      await refetchAfter(queryClient, { patientId: context.patient.id });
      // The page's header (a server component) names the program version: read it again, or it shows the old one
      // until a reload (issue 18, item 8).
      router.refresh();
    },
  });
  const liveErrors = parsed.success ? {} : fieldErrors(parsed.error);
  // A missing reason is only pointed out once the physician tries to save.
  if (!submitted) delete liveErrors.reason;
  const serverErrors = mutation.error instanceof ApiError ? mutation.error.fields : {};
  const errors = { ...liveErrors, ...serverErrors };
  if (!submitted) {
    delete errors['secondPerson.userId'];
    delete errors['secondPerson.password'];
  }
  const conflict = mutation.error instanceof ApiError && mutation.error.status === 409;

  return (
    <form
      className="stack pg-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (!parsed.success || !previewCurrent || unchanged) return;
        mutation.mutate(parsed.data);
      }}
    >
      <div className="pg-columns">
        <section className="card stack" aria-labelledby={`${id}-new`}>
          <h2 id={`${id}-new`}>New program</h2>
          {context.pendingOrder && (
            <p className="notice">
              An order waits for the next refill: {context.pendingOrder.drugProduct}{' '}
              {formatConcentration(context.pendingOrder.concentrationMcgPerMl * 1000, context.pendingOrder.doseUnit)},{' '}
              {doseText(context.pendingOrder.dailyDoseMcg, context.pendingOrder.doseUnit)}, by{' '}
              {context.pendingOrder.orderedByName}. A new order for the next refill replaces it.
            </p>
          )}
          <fieldset className="stack">
            <legend>When</legend>
            <label className="inline">
              <input type="radio" name={`${id}-timing`} checked={timing === 'now'} onChange={() => setTiming('now')} />{' '}
              Now: reprogram the pump today (keeps the drug and concentration in the reservoir)
            </label>
            <label className="inline">
              <input
                type="radio"
                name={`${id}-timing`}
                checked={timing === 'next-refill'}
                onChange={() => setTiming('next-refill')}
              />{' '}
              At the next refill: the nurse applies it when refilling (a new drug or concentration goes in then)
            </label>
          </fieldset>
          <ProgramEditor
            value={effective}
            onChange={setDraft}
            drugs={drugs}
            pumpKind={pump.kind}
            flowMlPerDay={pump.flowMlPerDay}
            errors={errors}
            lockReservoir={timing === 'now'}
          />
          {timing === 'now' ? (
            <p className="muted small">
              The reservoir holds {program.drugProduct} at{' '}
              {formatConcentration(program.concentrationMcgPerMl * 1000, program.doseUnit)}: the drug and
              concentration change only at a refill. To change them, order for the next refill.
            </p>
          ) : (
            reservoirChange && (
              <p className="notice warn">
                The new {reservoirChange === 'drugId' ? 'drug' : 'concentration'} enters the pump at the refill,
                where the nurse records it with its bridge bolus (reference B5).
              </p>
            )
          )}
          <label>
            Reason for the change
            <input
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={errors.reason ? true : undefined}
              aria-describedby={errors.reason ? `${id}-reason-err` : undefined}
            />
            {errors.reason && (
              <span id={`${id}-reason-err`} className="field-error">
                {errors.reason}
              </span>
            )}
          </label>
        </section>

        <section className="card stack pg-preview" aria-labelledby={`${id}-preview`} aria-live="polite">
          <h2 id={`${id}-preview`}>Forecast preview</h2>
          {drugChanged && (
            <div className="notice warn stack">
              <p>
                <strong>
                  Change of drug from {program.drugName} to {newDrugName}: doses cannot be compared. A second
                  experienced person must confirm.
                </strong>
              </p>
            </div>
          )}
          {doseChange && doseChange.direction !== 'none' && (
            <div className={doseChange.exceedsUsualStep ? 'notice warn stack' : 'notice'}>
              <p>
                Dose {doseText(program.dailyDoseMcg, program.doseUnit)} →{' '}
                <strong>{doseText(newDaily, unit)}</strong> (
                {doseChange.changePct == null ? 'from 0' : signedPct(doseChange.changePct)}
                {doseChange.baselineMcgPerDay !== program.dailyDoseMcg
                  ? ` from ${doseText(doseChange.baselineMcgPerDay, unit)} in effect within the last 24 h`
                  : ''}
                ).{' '}
                {doseChange.exceedsUsualStep ? (
                  <strong>
                    Beyond the usual {doseChange.limitPct} % {timing === 'now' ? 'step per 24 h' : 'change at a refill'}{' '}
                    for {origin} origin (E7): a second experienced person must confirm.
                  </strong>
                ) : (
                  `Within the usual ${doseChange.limitPct} % step.`
                )}
              </p>
            </div>
          )}
          {needsSecond && (
            <fieldset className="stack">
              <legend>Second person: they confirm with their own password</legend>
              <label>
                Confirmed by
                <select
                  value={secondPersonId}
                  onChange={(e) => setSecondPersonId(e.target.value)}
                  aria-invalid={errors['secondPerson.userId'] ? true : undefined}
                  aria-describedby={errors['secondPerson.userId'] ? `${id}-second-err` : undefined}
                >
                  <option value="">Choose…</option>
                  {context.verifiers.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.name} ({v.role})
                    </option>
                  ))}
                </select>
                {errors['secondPerson.userId'] && (
                  <span id={`${id}-second-err`} className="field-error">
                    {errors['secondPerson.userId']}
                  </span>
                )}
              </label>
              <label>
                Their password
                <input
                  type="password"
                  autoComplete="off"
                  value={secondPassword}
                  onChange={(e) => setSecondPassword(e.target.value)}
                  aria-invalid={errors['secondPerson.password'] ? true : undefined}
                  aria-describedby={errors['secondPerson.password'] ? `${id}-second-pw-err` : undefined}
                />
                {errors['secondPerson.password'] && (
                  <span id={`${id}-second-pw-err`} className="field-error">
                    {errors['secondPerson.password']}
                  </span>
                )}
              </label>
            </fieldset>
          )}
          {timing === 'next-refill' && !unchanged && (
            <p className="muted">
              The refill dates do not change until the nurse applies this order at the refill; the refill form
              then shows its forecast.
            </p>
          )}
          {timing === 'next-refill' ? null : unchanged ? (
            <p className="muted">
              Change the dose, steps or boluses to see their effect on the refill dates.
            </p>
          ) : !spec.success ? (
            <p className="muted">Correct the marked fields to see the preview.</p>
          ) : preview.error ? (
            <p role="alert" className="notice danger">
              Preview failed: {preview.error.message}
            </p>
          ) : !preview.data ? (
            <p className="muted">Calculating…</p>
          ) : (
            <Comparison
              current={context.current}
              next={preview.data}
              unitDose={(mcg) => doseText(mcg, unit)}
              timeZone={context.timeZone}
              stale={!previewCurrent}
            />
          )}
        </section>
      </div>

      {mutation.error && (
        <div role="alert" className="notice danger">
          Not saved: {mutation.error.message}{' '}
          {conflict && (
            <button type="button" className="secondary small" onClick={() => router.refresh()}>
              Reload the current program
            </button>
          )}
        </div>
      )}
      <div className="pt-buttons">
        <button type="submit" disabled={mutation.isPending || unchanged || !previewCurrent}>
          {mutation.isPending ? 'Saving…' : timing === 'now' ? 'Save program' : 'Save order for the next refill'}
        </button>
        <Link className="button secondary" href={`/patients/${context.patient.id}`}>
          Cancel
        </Link>
        {!unchanged && !previewCurrent && (
          <span className="muted small">Save is possible once the preview is shown.</span>
        )}
      </div>
    </form>
  );
}

function Comparison({
  current,
  next,
  unitDose,
  timeZone,
  stale,
}: {
  current: ForecastJson;
  next: ForecastJson;
  unitDose: (mcg: number) => string;
  timeZone: string;
  stale: boolean;
}) {
  const instant = (iso: string | null) =>
    iso ? formatInstant(Date.parse(iso), timeZone) : 'not within 5 years';
  const rows: [string, string, string][] = [
    ['Daily dose', unitDose(current.dailyDoseMcg), unitDose(next.dailyDoseMcg)],
    ['Daily volume', formatMlPerDay(current.dailyVolumeMl), formatMlPerDay(next.dailyVolumeMl)],
    [
      'Worst-case daily volume',
      formatMlPerDay(current.worstCaseDailyVolumeMl),
      formatMlPerDay(next.worstCaseDailyVolumeMl),
    ],
    ['Low-reservoir alarm', instant(current.lowReservoirAlarmAt), instant(next.lowReservoirAlarmAt)],
    ['Empty', instant(current.emptyAt), instant(next.emptyAt)],
    ['Refill due', formatLocalDate(current.refillDueOn), formatLocalDate(next.refillDueOn)],
    ['Status', statusLabels[current.status], statusLabels[next.status]],
  ];
  const newAlerts = next.alerts.filter(
    (a) => !current.alerts.some((c) => c.code === a.code && c.severity === a.severity),
  );
  return (
    <div className={`stack ${stale ? 'pg-stale' : ''}`} data-testid="program-preview">
      <table className="pg-compare">
        <caption className="sr-only">Forecast with the current program and with the new one</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Quantity</span>
            </th>
            <th scope="col">Current program</th>
            <th scope="col">New program</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, a, b]) => (
            <tr key={label} className={a !== b ? 'pg-changed' : undefined}>
              <th scope="row">{label}</th>
              <td>{a}</td>
              <td>{b}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {newAlerts.length > 0 && (
        <ul className="pt-alert-list">
          {newAlerts.map((a) => (
            <li key={a.code} className={`pt-alert sev-${a.severity}`}>
              <span className="pt-sev">{severityLabels[a.severity]}</span>{' '}
              <span className="pt-alert-msg">{a.message}</span>
            </li>
          ))}
        </ul>
      )}
      {stale && <p className="muted small">Updating…</p>}
    </div>
  );
}
