'use client';

import { localDateOf } from '@/lib/domain/calendar';
import { formatInstant, formatMl } from '@/lib/format';
import { flagLabels, severityLabels, signedMl, signedPct } from '../../_components/labels';
import type { RefillSectionProps } from './refill-fields';
import { DateInput, TimeInput } from '@/app/(staff)/_components/date-time-inputs';

/** The visit time, the expected and aspirated residual, the live discrepancy and, when critical, its confirmation. */
export function ResidualSection({ context, draft, update, check, fields }: RefillSectionProps) {
  const { timeZone, program, state } = context;
  const { describe, invalid, errorText } = fields;
  const a = check.assessment;
  return (
    <fieldset className="card stack">
      <legend>Residual volume check</legend>
      <div className="rf-row">
        <div className="typed-field">
          <label htmlFor={`${fields.id}-visit-date`}>Visit date</label>
          <DateInput
            id={`${fields.id}-visit-date`}
            label="Visit date"
            value={draft.date}
            max={localDateOf(context.now, timeZone)}
            onChange={(v) => update({ date: v, timeEdited: true })}
            aria-invalid={invalid('performedAt')}
            aria-describedby={describe('performedAt')}
          />
        </div>
        <div className="typed-field">
          <label htmlFor={`${fields.id}-visit-time`}>Time ({timeZone})</label>
          <TimeInput
            id={`${fields.id}-visit-time`}
            label="Visit time"
            value={draft.time}
            onChange={(v) => update({ time: v, timeEdited: true })}
            aria-invalid={invalid('performedAt')}
            aria-describedby={describe('performedAt')}
          />
        </div>
      </div>
      {errorText('performedAt')}
      <p className="rf-expected">
        Expected residual: <strong>{a ? formatMl(Math.round(a.expectedResidualMl * 100) / 100) : '—'}</strong>
        <span className="muted small">
          {' '}
          ({formatMl(state.lastRefill.volumeMl)} filled {formatInstant(state.lastRefill.at, timeZone)}, less
          the programmed delivery
          {a ? ` of ${formatMl(Math.round(a.deliveredMl * 100) / 100)}` : ''})
        </span>
      </p>
      <label>
        Aspirated residual (mL)
        <input
          inputMode="decimal"
          autoComplete="off"
          value={draft.aspirated}
          onChange={(e) => update({ aspirated: e.target.value })}
          aria-invalid={invalid('aspiratedResidualMl')}
          aria-describedby={describe('aspiratedResidualMl', `${fields.id}-live`)}
        />
        {errorText('aspiratedResidualMl')}
      </label>
      {program.patientBolus && (
        <label>
          Patient boluses taken since the last fill (from the pump log)
          <input
            inputMode="numeric"
            value={draft.bolusesTaken}
            onChange={(e) => update({ bolusesTaken: e.target.value })}
            aria-invalid={invalid('patientBolusesTaken')}
            aria-describedby={describe('patientBolusesTaken')}
          />
          {errorText('patientBolusesTaken')}
        </label>
      )}
      <LiveDiscrepancy id={`${fields.id}-live`} check={check} />
      {check.needsDiscrepancyConfirmation && (
        <div className="notice danger stack">
          <p>
            <strong>Critical discrepancy.</strong> Re-measure the aspirated volume before saving. If it is
            right, confirm it: the alert stays open until a physician reviews it.
          </p>
          <label className="inline">
            <input
              type="checkbox"
              checked={draft.confirmDiscrepancy}
              onChange={(e) => update({ confirmDiscrepancy: e.target.checked })}
              aria-invalid={invalid('confirmDiscrepancy')}
              aria-describedby={describe('confirmDiscrepancy')}
            />{' '}
            I re-measured the aspirated volume and confirm {formatMl(check.aspiratedMl)}
          </label>
          {errorText('confirmDiscrepancy')}
        </div>
      )}
    </fieldset>
  );
}

/** The discrepancy of what was aspirated against the expected residual, announced as it changes (B4, E5, E1). */
function LiveDiscrepancy({ id, check }: { id: string; check: RefillSectionProps['check'] }) {
  const a = check.assessment;
  const shown = a && check.hasAspirated;
  return (
    <div id={id} role="status" aria-live="polite" className={`rf-live ${shown ? `rf-flag-${a.flag}` : ''}`}>
      {shown ? (
        <>
          <p>
            Discrepancy <strong>{signedMl(a.discrepancyMl)}</strong> ({signedPct(a.discrepancyPct)} of the
            delivered volume): <strong>{flagLabels[a.flag]}</strong>{' '}
            <span className="small">(tolerance ±{formatMl(Math.round(a.toleranceMl * 100) / 100)})</span>
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
      {check.assessmentError && <p className="error">{check.assessmentError}</p>}
    </div>
  );
}
