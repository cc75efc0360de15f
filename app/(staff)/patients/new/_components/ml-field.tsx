'use client';

import type { ReactNode } from 'react';
import { Field } from '@/app/(staff)/_components/field';

/** A volume or flow typed in mL (or mL/day), from 0 to `max`, with its label, help and field error. */
export function MlField({
  label,
  error,
  help,
  value,
  onChange,
  max,
  step,
  required = false,
}: {
  label: string;
  error: string | undefined;
  help: ReactNode;
  value: string;
  onChange: (value: string) => void;
  max: number;
  step: number;
  required?: boolean;
}) {
  return (
    <Field label={label} error={error} help={help}>
      {(p) => (
        <input
          {...p}
          type="number"
          inputMode="decimal"
          min={0}
          max={max}
          step={step}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required={required}
        />
      )}
    </Field>
  );
}
