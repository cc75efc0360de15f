'use client';

import { formatMl } from '@/lib/format';
import { concentrationText, numberField, parseNumber } from '../../_components/labels';
import type { RefillSectionProps } from './refill-fields';
import { nearCapacity } from './refill-submission';
import { DateInput } from '@/app/(staff)/_components/date-time-inputs';

/** The drug that goes in: product, concentration, lot, expiry, the volume filled and, on a new concentration, the bridge bolus. */
export function DrugSection(props: RefillSectionProps) {
  const { context, draft, update, check, fields } = props;
  const { pump, program } = context;
  const { describe, invalid, errorText, errors } = fields;
  const product = context.products.find((d) => d.id === draft.drugId) ?? context.products[0]!;
  const warnFill = nearCapacity(context, check);
  return (
    <fieldset className="card stack">
      <legend>New drug</legend>
      <div className="rf-row">
        <label>
          Drug product
          <select
            value={draft.drugId}
            onChange={(e) => {
              const next = context.products.find((d) => d.id === Number(e.target.value))!;
              const options = next.concentrationsMcgPerMl.map((c) => numberField(c / check.perUnit));
              update({
                drugId: next.id,
                ...(options.includes(draft.concentration) ? {} : { concentration: options[0] ?? '' }),
              });
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
            value={draft.concentration}
            onChange={(e) => update({ concentration: e.target.value })}
            aria-invalid={invalid('concentrationMcgPerMl')}
            aria-describedby={describe('concentrationMcgPerMl')}
          >
            {product.concentrationsMcgPerMl.map((c) => (
              <option key={c} value={numberField(c / check.perUnit)}>
                {concentrationText(c, check.unit)}
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
            value={draft.lot}
            maxLength={40}
            autoComplete="off"
            onChange={(e) => update({ lot: e.target.value })}
            aria-invalid={invalid('drugLot')}
            aria-describedby={describe('drugLot')}
          />
          {errorText('drugLot')}
        </label>
        <div className="typed-field">
          <label htmlFor={`${fields.id}-expires`}>Expiry date</label>
          <DateInput
            id={`${fields.id}-expires`}
            label="Expiry date"
            value={draft.expires}
            onChange={(v) => update({ expires: v })}
            aria-invalid={invalid('drugExpiresOn')}
            aria-describedby={describe('drugExpiresOn')}
          />
          {errorText('drugExpiresOn')}
        </div>
      </div>
      <label>
        Volume filled (mL, reservoir holds {formatMl(pump.reservoirMl)})
        <input
          inputMode="decimal"
          value={draft.filled}
          onChange={(e) => update({ filled: e.target.value })}
          aria-invalid={invalid('volumeFilledMl')}
          aria-describedby={describe('volumeFilledMl', warnFill ? `${fields.id}-fill-warn` : undefined)}
        />
        {errorText('volumeFilledMl')}
        {warnFill && !errors.volumeFilledMl && (
          <span id={`${fields.id}-fill-warn`} className="rf-warn">
            Within {context.fillWarnMarginMl} mL of the capacity: do not overfill.
          </span>
        )}
      </label>
      {check.concentrationChanged && <BridgeBolusPrompt {...props} />}
    </fieldset>
  );
}

/**
 * A new concentration leaves the old drug in the pump tubing and catheter: the nurse records the bridge bolus
 * given (its volume comes out of the reservoir), or confirms saving without one (E8, reference.md B5).
 */
function BridgeBolusPrompt({ context, draft, update, check, fields }: RefillSectionProps) {
  const { describe, invalid, errorText } = fields;
  const bridgeMl = parseNumber(draft.bridgeMl);
  return (
    <div className="notice warn stack">
      <p>
        <strong>Concentration change</strong> from{' '}
        {concentrationText(context.program.concentrationMcgPerMl, check.unit)} to{' '}
        {concentrationText(check.concentrationMcg, check.unit)}: the pump tubing and catheter still hold the
        old drug. Program a bridge bolus (E8).
      </p>
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.bridgeGiven}
          onChange={(e) => update({ bridgeGiven: e.target.checked })}
        />{' '}
        Bridge bolus given
      </label>
      {draft.bridgeGiven ? (
        <>
          <label>
            Bridge bolus volume (mL, drawn from the reservoir)
            <input
              inputMode="decimal"
              autoComplete="off"
              value={draft.bridgeMl}
              onChange={(e) => update({ bridgeMl: e.target.value })}
              aria-invalid={invalid('bridgeBolusMl')}
              aria-describedby={describe('bridgeBolusMl')}
            />
            {errorText('bridgeBolusMl')}
          </label>
          {Number.isFinite(bridgeMl) && bridgeMl > 0 && bridgeMl < check.filledMl && (
            <p className="small">
              Reservoir after the bolus: {formatMl(Math.round((check.filledMl - bridgeMl) * 1000) / 1000)}
            </p>
          )}
          <label>
            Bridge bolus duration and note
            <input
              value={draft.bridgeNote}
              maxLength={500}
              onChange={(e) => update({ bridgeNote: e.target.value })}
              aria-invalid={invalid('bridgeBolusNote')}
              aria-describedby={describe('bridgeBolusNote')}
            />
            {errorText('bridgeBolusNote')}
          </label>
        </>
      ) : (
        <>
          {check.assessment?.alerts
            .filter((al) => al.code === 'E8')
            .map((al) => (
              <p key={al.code} className="sev-high">
                {al.message}
              </p>
            ))}
          <label className="inline">
            <input
              type="checkbox"
              checked={draft.confirmNoBridge}
              onChange={(e) => update({ confirmNoBridge: e.target.checked })}
              aria-invalid={invalid('confirmNoBridgeBolus')}
              aria-describedby={describe('confirmNoBridgeBolus')}
            />{' '}
            I confirm saving without a bridge bolus
          </label>
          {errorText('confirmNoBridgeBolus')}
        </>
      )}
    </div>
  );
}
