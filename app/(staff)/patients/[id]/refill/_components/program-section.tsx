'use client';

import { formatInstant } from '@/lib/format';
import { concentrationText, doseText, numberField, perUnit, signedPct } from '../../_components/labels';
import type { RefillSectionProps } from './refill-fields';

/** The program after the refill: the physician's pending order, a dose change, and the dose step it makes. */
export function ProgramSection(props: RefillSectionProps & { mayChangeDose: boolean }) {
  const { context, draft } = props;
  const { program } = context;
  const order = context.pendingOrder;
  return (
    <fieldset className="card stack">
      <legend>Program</legend>
      <p>
        Current: <strong>{doseText(program.dailyDoseMcg, program.doseUnit)}</strong> at{' '}
        {concentrationText(program.concentrationMcgPerMl, program.doseUnit)} (
        {program.mode === 'simple' ? 'simple continuous' : program.mode})
      </p>
      {order && <PendingOrderChoice {...props} />}
      {draft.applyOrder && order ? null : <DoseChange {...props} />}
      <DoseStepPreview {...props} />
    </fieldset>
  );
}

/** The order waiting for this refill, applied unless the nurse unticks it: it sets the drug and concentration. */
function PendingOrderChoice({ context, draft, update }: RefillSectionProps) {
  const order = context.pendingOrder!;
  return (
    <div className="notice stack">
      <p>
        <strong>Order for this refill</strong> by {order.orderedByName},{' '}
        {formatInstant(order.orderedAt, context.timeZone)}: {order.drugProduct}{' '}
        {concentrationText(order.concentrationMcgPerMl, order.doseUnit)},{' '}
        <strong>{doseText(order.dailyDoseMcg, order.doseUnit)}</strong>. {order.reason}
      </p>
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.applyOrder}
          onChange={(e) => {
            const next = e.target.checked ? order : context.program;
            update({
              applyOrder: e.target.checked,
              drugId: next.drugId,
              concentration: numberField(next.concentrationMcgPerMl / perUnit(next.doseUnit)),
            });
          }}
        />{' '}
        Apply this order at this refill (fill {concentrationText(order.concentrationMcgPerMl, order.doseUnit)}
        )
      </label>
    </div>
  );
}

/** A simple program's dose may be changed at the refill by whoever may change programs; otherwise, who can. */
function DoseChange({
  context,
  draft,
  update,
  check,
  fields,
  mayChangeDose,
}: RefillSectionProps & { mayChangeDose: boolean }) {
  const { program } = context;
  if (program.mode !== 'simple' || !mayChangeDose)
    return (
      <p className="small muted">
        {program.mode === 'simple'
          ? 'A dose change is a physician’s order: the physician orders it for this refill on the program page, and it is applied here.'
          : program.mode === 'flex'
            ? 'A flex program is changed by the physician on the program page.'
            : 'A constant-flow pump’s dose changes only with the concentration, by a physician’s order.'}
      </p>
    );
  return (
    <>
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.changeDose}
          onChange={(e) => update({ changeDose: e.target.checked })}
        />{' '}
        Change the daily dose at this refill
      </label>
      {draft.changeDose && (
        <label>
          New daily dose ({check.unit}/day{check.bolusesMcgPerDay > 0 ? ', continuous part' : ''})
          <input
            inputMode="decimal"
            value={draft.newDose}
            onChange={(e) => update({ newDose: e.target.value })}
            aria-invalid={fields.invalid('newDoseMcgPerDay')}
            aria-describedby={fields.describe('newDoseMcgPerDay')}
          />
          {fields.errorText('newDoseMcgPerDay')}
        </label>
      )}
    </>
  );
}

/** The new dose against the usual step at a refill for the patient's origin (E7): beyond it, a second person. */
function DoseStepPreview({ check }: RefillSectionProps) {
  const change = check.assessment?.doseChange;
  if (!change || change.direction === 'none') return null;
  return (
    <p className={check.needsSecond ? 'notice warn' : 'small'}>
      New dose {doseText(check.newDailyMcg, check.unit)} (
      {change.changePct == null ? 'from 0' : signedPct(change.changePct)}).{' '}
      {check.needsSecond ? (
        <strong>
          Beyond the usual {change.limitPct} % step at a refill (E7): a second person must verify.
        </strong>
      ) : (
        `Within the usual ${change.limitPct} % step.`
      )}
    </p>
  );
}
