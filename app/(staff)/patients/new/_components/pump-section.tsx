'use client';

import { Field } from '@/app/(staff)/_components/field';
import { DateInput } from '@/app/(staff)/_components/date-time-inputs';
import { MlField } from './ml-field';
import type { NewPatientOptions } from '@/db/queries/patient-lookup';
import type { PumpDraft } from './new-patient-draft';

type Model = NewPatientOptions['models'][number];

interface Props {
  pump: PumpDraft;
  setPump: (next: PumpDraft) => void;
  models: Model[];
  modelId: number;
  chooseModel: (id: number) => void;
  today: string;
  f: (path: string) => string | undefined;
  disabled: boolean;
}

/** 2. The implanted pump: its model sets the reservoir, the default alarm volume and whether the flow is fixed. */
export function PumpSection({ pump, setPump, models, modelId, chooseModel, today, f, disabled }: Props) {
  const model = models.find((m) => m.id === modelId);
  const constantFlow = model?.kind === 'constant-flow';
  return (
    <fieldset className="sched-fieldset newpt-section" disabled={disabled}>
      <legend>2. Pump</legend>
      <div className="grid-2">
        <Field
          label="Pump model"
          error={f('pump.modelId')}
          help={
            model
              ? `${model.kind === 'constant-flow' ? 'Constant-flow' : 'Programmable'}; reservoir ${model.reservoirUl != null ? `${model.reservoirUl / 1000} mL` : 'entered per pump'}; default alarm ${model.defaultAlarmUl != null ? `${model.defaultAlarmUl / 1000} mL` : 'none: enter this patient’s'}.`
              : undefined
          }
        >
          {(p) => (
            <select {...p} value={modelId} onChange={(e) => chooseModel(Number(e.target.value))} required>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.manufacturer} {m.name} {m.modelNumber}
                  {m.reservoirUl != null ? ` (${m.reservoirUl / 1000} mL)` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Serial number" error={f('pump.serial')}>
          {(p) => (
            <input
              {...p}
              value={pump.serial}
              onChange={(e) => setPump({ ...pump, serial: e.target.value })}
              maxLength={40}
              autoComplete="off"
              required
            />
          )}
        </Field>
        <Field label="Implant date" error={f('pump.implantedOn')}>
          {(p) => (
            <DateInput
              {...p}
              label="Implant date"
              max={today}
              value={pump.implantedOn}
              onChange={(v) => setPump({ ...pump, implantedOn: v })}
              required
            />
          )}
        </Field>
        <MlField
          label="Low-reservoir alarm volume (mL)"
          error={f('pump.alarmMl')}
          help={
            model?.defaultAlarmUl != null
              ? `The model’s default is ${model.defaultAlarmUl / 1000} mL (manufacturer-recommended residual, S32). Raise it (e.g. 4 mL) for a patient with withdrawal symptoms above 2 mL.`
              : 'Required: this model has no default alarm volume. Prometra’s therapy controller uses 3.0 mL (S28).'
          }
          max={100}
          step={0.1}
          value={pump.alarmMl}
          onChange={(value) => setPump({ ...pump, alarmMl: value })}
          required
        />
        {model?.reservoirUl == null && (
          <MlField
            label="Reservoir volume (mL)"
            error={f('pump.reservoirMl')}
            help="This model’s reservoir depends on the pump: enter it from the implant record."
            max={100}
            step={0.1}
            value={pump.reservoirMl}
            onChange={(value) => setPump({ ...pump, reservoirMl: value })}
            required
          />
        )}
        {constantFlow && (
          <MlField
            label="Flow rate (mL/day)"
            error={f('pump.flowMlPerDay')}
            help="Fixed by the pump’s flow restrictor; replace it with the measured rate at refills (reference.md B6)."
            max={20}
            step={0.001}
            value={pump.flowMlPerDay}
            onChange={(value) => setPump({ ...pump, flowMlPerDay: value })}
            required
          />
        )}
        <MlField
          label="Catheter volume (mL, optional)"
          error={f('pump.catheterVolumeMl')}
          help="For bridge boluses. Prometra: implanted length (cm) × 0.0026 mL/cm (S31)."
          max={10}
          step={0.001}
          value={pump.catheterVolumeMl}
          onChange={(value) => setPump({ ...pump, catheterVolumeMl: value })}
        />
      </div>
    </fieldset>
  );
}
