'use client';

import { fillConfirmationMethods, type FillConfirmationMethod } from '@/lib/domain/refill';
import type { RefillSectionProps } from './refill-fields';

const methodLabels: Record<FillConfirmationMethod, string> = {
  'aspiration-back': 'Aspiration back (~5 mL injected, then aspirated)',
  ultrasound: 'Ultrasound',
  fluoroscopy: 'Fluoroscopy',
};

/** The pocket-fill checklist of reference.md G1 steps 4–6 (E6). */
export function SafeguardsSection({ draft, update, fields }: Omit<RefillSectionProps, 'check' | 'context'>) {
  const { describe, invalid, errorText } = fields;
  return (
    <fieldset className="card stack rf-safeguards">
      <legend>Before filling: pocket-fill safeguards (E6)</legend>
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.residualChecked}
          onChange={(e) => update({ residualChecked: e.target.checked })}
          aria-invalid={invalid('residualCheckedBeforeFill')}
          aria-describedby={describe('residualCheckedBeforeFill')}
        />{' '}
        Aspirated volume checked against the expected before filling
      </label>
      {errorText('residualCheckedBeforeFill')}
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.needleConfirmed}
          onChange={(e) => update({ needleConfirmed: e.target.checked })}
          aria-invalid={invalid('needlePlacementConfirmed')}
          aria-describedby={describe('needlePlacementConfirmed')}
        />{' '}
        Needle placement in the reservoir confirmed
      </label>
      {errorText('needlePlacementConfirmed')}
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.templateUsed}
          onChange={(e) => update({ templateUsed: e.target.checked })}
        />{' '}
        Template used to locate the port
      </label>
      <fieldset
        className="rf-radios"
        aria-invalid={invalid('fillConfirmationMethod')}
        aria-describedby={describe('fillConfirmationMethod')}
      >
        <legend>Fill confirmed in the reservoir by</legend>
        {fillConfirmationMethods.map((m) => (
          <label key={m} className="inline">
            <input
              type="radio"
              name={`${fields.id}-method`}
              value={m}
              checked={draft.method === m}
              onChange={() => update({ method: m })}
            />{' '}
            {methodLabels[m]}
          </label>
        ))}
        {errorText('fillConfirmationMethod')}
      </fieldset>
    </fieldset>
  );
}
