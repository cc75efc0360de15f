'use client';

import type { RefillSectionProps } from './refill-fields';

/** The second person (required beyond the usual dose step, E7) with their own password, and the visit notes. */
export function VerificationSection({ context, draft, update, check, fields }: RefillSectionProps) {
  const { describe, invalid, errorText } = fields;
  return (
    <fieldset className="card stack">
      <legend>Verification and notes</legend>
      <label>
        Second person who verified{check.needsSecond ? ' (required)' : ''}
        <select
          value={draft.verifiedById}
          onChange={(e) => update({ verifiedById: e.target.value })}
          aria-invalid={invalid('secondPerson.userId')}
          aria-describedby={describe('secondPerson.userId')}
        >
          <option value="">{check.needsSecond ? 'Choose…' : 'None'}</option>
          {context.verifiers.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name} ({v.role})
            </option>
          ))}
        </select>
        {errorText('secondPerson.userId')}
      </label>
      {draft.verifiedById && (
        <label>
          Their password (they type it to confirm)
          <input
            type="password"
            autoComplete="off"
            value={draft.verifierPassword}
            onChange={(e) => update({ verifierPassword: e.target.value })}
            aria-invalid={invalid('secondPerson.password')}
            aria-describedby={describe('secondPerson.password')}
          />
          {errorText('secondPerson.password')}
        </label>
      )}
      <label>
        Notes
        <textarea
          rows={3}
          value={draft.notes}
          maxLength={2000}
          onChange={(e) => update({ notes: e.target.value })}
          aria-describedby={describe('notes')}
        />
        {errorText('notes')}
      </label>
    </fieldset>
  );
}
