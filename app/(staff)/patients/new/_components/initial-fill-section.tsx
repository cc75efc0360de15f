'use client';

import type { ReactNode } from 'react';
import { Field } from '@/app/(staff)/_components/field';
import { DateInput, TimeInput } from '@/app/(staff)/_components/date-time-inputs';
import { MlField } from './ml-field';
import type { NewPatientOptions } from '@/db/queries/patient-lookup';
import type { FillDraft } from './new-patient-draft';

interface Props {
  fill: FillDraft;
  setFill: (next: FillDraft) => void;
  model: NewPatientOptions['models'][number] | undefined;
  today: string;
  f: (path: string) => string | undefined;
  disabled: boolean;
  /** The forecast preview, below the fields. */
  children: ReactNode;
}

/** 4. The initial fill: when, how much (never above the reservoir, S13) and which lot. */
export function InitialFillSection({ fill, setFill, model, today, f, disabled, children }: Props) {
  return (
    <fieldset className="sched-fieldset newpt-section" disabled={disabled}>
      <legend>4. Initial fill</legend>
      <div className="grid-2">
        <Field label="Fill date" error={f('initialFill.date')}>
          {(p) => (
            <DateInput
              {...p}
              label="Fill date"
              max={today}
              value={fill.date}
              onChange={(v) => setFill({ ...fill, date: v })}
              required
            />
          )}
        </Field>
        <Field label="Fill time (clinic time)" error={f('initialFill.time')}>
          {(p) => (
            <TimeInput
              {...p}
              label="Fill time"
              value={fill.time}
              onChange={(v) => setFill({ ...fill, time: v })}
              required
            />
          )}
        </Field>
        <MlField
          label="Volume filled (mL)"
          error={f('initialFill.volumeMl')}
          help={
            model?.reservoirUl != null
              ? `At most the ${model.reservoirUl / 1000} mL reservoir: do not overfill (S13).`
              : 'At most the reservoir volume: do not overfill (S13).'
          }
          max={100}
          step={0.1}
          value={fill.volumeMl}
          onChange={(value) => setFill({ ...fill, volumeMl: value })}
          required
        />
        <Field label="Drug lot" error={f('initialFill.drugLot')}>
          {(p) => (
            <input
              {...p}
              value={fill.drugLot}
              onChange={(e) => setFill({ ...fill, drugLot: e.target.value })}
              maxLength={40}
              autoComplete="off"
              required
            />
          )}
        </Field>
        <Field label="Drug expiry date (optional)" error={f('initialFill.drugExpiresOn')}>
          {(p) => (
            <DateInput
              {...p}
              label="Drug expiry date"
              value={fill.drugExpiresOn}
              onChange={(v) => setFill({ ...fill, drugExpiresOn: v })}
            />
          )}
        </Field>
      </div>
      {children}
    </fieldset>
  );
}
