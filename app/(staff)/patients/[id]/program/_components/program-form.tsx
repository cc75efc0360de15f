'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useMemo, useState } from 'react';
import type { ProgramFormContext } from '@/db/queries/programs';
import { formatInstantIso } from '@/lib/domain/calendar';
import { assessDoseChange } from '@/lib/domain/refill';
import { formatInstant, formatLocalDate, formatMlPerDay, statusLabels } from '@/lib/format';
import { ApiError } from '@/lib/query/client';
import { changeProgram, clinicalKeys, forecastPreviewQuery, type ForecastJson } from '@/lib/query/patients';
import { fieldErrors } from '@/lib/validation/errors';
import { changeProgramSchema, programSpecSchema, type ProgramSpecInput } from '@/lib/validation/program';
import { doseText, severityLabels, signedPct } from '../../_components/labels';
import {
  dailyDoseOf,
  draftFromProgram,
  programInput,
  ProgramEditor,
  unitOf,
  type ProgramDraft,
} from '../../_components/program-editor';

/** Debounces a value so the preview is asked once the physician stops typing. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** A physician's program change: the forecast preview (current vs new) must be on screen before Save is possible. */
export function ProgramForm({ context }: { context: ProgramFormContext }) {
  const id = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { program, pump, drugs } = context;
  const [draft, setDraft] = useState<ProgramDraft>(() => draftFromProgram(program));
  const [reason, setReason] = useState('');
  const [secondPersonId, setSecondPersonId] = useState('');
  const [submitted, setSubmitted] = useState(false);

  const input = programInput(draft, drugs);
  const unit = unitOf(drugs, draft.drugId);
  const spec = programSpecSchema.safeParse(input);
  const newDaily = spec.success ? dailyDoseOf(input, pump.flowMlPerDay) : Number.NaN;
  const doseChange = Number.isFinite(newDaily)
    ? assessDoseChange(program.dailyDoseMcg, newDaily, context.patient.spasticityOrigin, 'titration')
    : null;
  const unchanged = JSON.stringify(programInput(draftFromProgram(program), drugs)) === JSON.stringify(input);

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
  const preview = useQuery(forecastPreviewQuery(request, request !== null && !unchanged));
  const previewCurrent = preview.data !== undefined && debouncedKey === specKey && !preview.isFetching;

  const full = {
    ...input,
    expectedVersionNo: program.versionNo,
    reason,
    secondPersonId: secondPersonId || null,
  };
  const parsed = changeProgramSchema.safeParse(full);
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof changeProgram>[1]) => changeProgram(pump.id, body),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: clinicalKeys.patient(context.patient.id) }),
        queryClient.invalidateQueries({ queryKey: clinicalKeys.programs(pump.id) }),
        queryClient.invalidateQueries({ queryKey: clinicalKeys.worklist }),
      ]);
    },
  });
  const liveErrors = parsed.success ? {} : fieldErrors(parsed.error);
  // A missing reason is only pointed out once the physician tries to save.
  if (!submitted) delete liveErrors.reason;
  const serverErrors = mutation.error instanceof ApiError ? mutation.error.fields : {};
  const errors = { ...liveErrors, ...serverErrors };
  if (submitted && doseChange?.exceedsUsualStep && !secondPersonId)
    errors.secondPersonId =
      'The dose change is beyond the usual step (E7): a second experienced person must confirm it';
  const conflict = mutation.error instanceof ApiError && mutation.error.status === 409;

  if (mutation.data) {
    const r = mutation.data;
    return (
      <section className="card stack" aria-labelledby={`${id}-saved`} role="status">
        <h2 id={`${id}-saved`}>Program version {r.program.versionNo} saved</h2>
        <p>
          {doseText(r.program.dailyDoseMcg, r.program.doseUnit)} from{' '}
          {formatInstant(r.program.effectiveAt, context.timeZone)}. Refill due{' '}
          <strong>{formatLocalDate(r.forecast.refillDueOn)}</strong>
          {r.previousDueOn !== r.forecast.refillDueOn ? ` (was ${formatLocalDate(r.previousDueOn)})` : ''}.
          Reprint the emergency card: the dose on it has changed.
        </p>
        <p>
          <Link className="button" href={`/patients/${context.patient.id}`}>
            Back to {context.patient.name}
          </Link>
        </p>
      </section>
    );
  }

  return (
    <form
      className="stack pg-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (!parsed.success || !previewCurrent || unchanged) return;
        if (doseChange?.exceedsUsualStep && !secondPersonId) return;
        mutation.mutate(parsed.data);
      }}
    >
      <div className="pg-columns">
        <section className="card stack" aria-labelledby={`${id}-new`}>
          <h2 id={`${id}-new`}>New program</h2>
          <ProgramEditor
            value={draft}
            onChange={setDraft}
            drugs={drugs}
            pumpKind={pump.kind}
            flowMlPerDay={pump.flowMlPerDay}
            errors={errors}
          />
          {draft.concentration !== draftFromProgram(program).concentration && (
            <p className="notice warn">
              The concentration must match the drug in the reservoir. A change of concentration at a refill is
              recorded on the refill visit, with its bridge bolus.
            </p>
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
          {doseChange && doseChange.direction !== 'none' && (
            <div className={doseChange.exceedsUsualStep ? 'notice warn stack' : 'notice'}>
              <p>
                Dose {doseText(program.dailyDoseMcg, program.doseUnit)} →{' '}
                <strong>{doseText(newDaily, unit)}</strong> (
                {doseChange.changePct == null ? 'from 0' : signedPct(doseChange.changePct)}).{' '}
                {doseChange.exceedsUsualStep ? (
                  <strong>
                    Beyond the usual {doseChange.limitPct} % step per 24 h for{' '}
                    {context.patient.spasticityOrigin} origin (E7): a second experienced person must confirm.
                  </strong>
                ) : (
                  `Within the usual ${doseChange.limitPct} % step.`
                )}
              </p>
              {doseChange.exceedsUsualStep && (
                <label>
                  Confirmed by (second person)
                  <select
                    value={secondPersonId}
                    onChange={(e) => setSecondPersonId(e.target.value)}
                    aria-invalid={errors.secondPersonId ? true : undefined}
                    aria-describedby={errors.secondPersonId ? `${id}-second-err` : undefined}
                  >
                    <option value="">Choose…</option>
                    {context.verifiers.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.name} ({v.role})
                      </option>
                    ))}
                  </select>
                  {errors.secondPersonId && (
                    <span id={`${id}-second-err`} className="field-error">
                      {errors.secondPersonId}
                    </span>
                  )}
                </label>
              )}
            </div>
          )}
          {unchanged ? (
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
          {mutation.isPending ? 'Saving…' : 'Save program'}
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
