'use client';

import { useId } from 'react';
import type { DrugOption } from '@/db/queries/refills';
import { newFlexStepPlace } from '@/lib/domain/flex-steps';
import type { ProgramDto } from '@/lib/query/patients';
import type { ProgramMode } from '@/lib/validation/program';
import { modeLabels, numberField, parseNumber, perUnit, type DoseUnit } from './labels';
import { TimeInput } from '@/app/(staff)/_components/date-time-inputs';

/** A program as the form holds it: text fields in the drug's unit (mcg or mg). */
export interface ProgramDraft {
  drugId: number;
  concentration: string;
  mode: ProgramMode;
  dose: string;
  steps: { start: string; dose: string }[];
  boluses: { at: string; dose: string }[];
  patientBolus: { dose: string; maxPerDay: string } | null;
}

export function draftFromProgram(p: ProgramDto): ProgramDraft {
  const f = perUnit(p.doseUnit);
  return {
    drugId: p.drugId,
    concentration: numberField(p.concentrationMcgPerMl / f),
    mode: p.mode,
    dose: numberField((p.continuousDoseMcgPerDay ?? p.dailyDoseMcg) / f),
    steps: p.flexSteps.length
      ? p.flexSteps.map((s) => ({ start: s.start, dose: numberField(s.doseMcgPerHour / f) }))
      : [{ start: '00:00', dose: '' }],
    boluses: p.periodicBoluses.map((b) => ({ at: b.at, dose: numberField(b.doseMcg / f) })),
    patientBolus: p.patientBolus
      ? { dose: numberField(p.patientBolus.doseMcg / f), maxPerDay: String(p.patientBolus.maxPerDay) }
      : null,
  };
}

/** What the program entry needs of a drug product. */
export type ProgramDrug = Pick<DrugOption, 'id' | 'name' | 'product' | 'doseUnit' | 'concentrationsMcgPerMl'>;

export function unitOf(drugs: ProgramDrug[], drugId: number): DoseUnit {
  return drugs.find((d) => d.id === drugId)?.doseUnit ?? 'mcg';
}

/** The API's program fields (mcg) from the draft; numbers that do not parse become NaN so zod names them. */
export function programInput(d: ProgramDraft, drugs: ProgramDrug[]) {
  const f = perUnit(unitOf(drugs, d.drugId));
  const mcg = (text: string) => parseNumber(text) * f;
  return {
    drugId: d.drugId,
    concentrationMcgPerMl: mcg(d.concentration),
    mode: d.mode,
    doseMcgPerDay: d.mode === 'simple' ? mcg(d.dose) : null,
    flexSteps:
      d.mode === 'flex' ? d.steps.map((s) => ({ start: s.start, doseMcgPerHour: mcg(s.dose) })) : null,
    periodicBoluses:
      d.mode === 'constant-flow' ? null : d.boluses.map((b) => ({ at: b.at, doseMcg: mcg(b.dose) })),
    patientBolus:
      d.mode === 'constant-flow' || !d.patientBolus
        ? null
        : { doseMcg: mcg(d.patientBolus.dose), maxPerDay: parseNumber(d.patientBolus.maxPerDay) },
  };
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The programmed daily dose (mcg/day) of program fields: flex steps wrap past midnight; boluses added. */
export function dailyDoseOf(p: ReturnType<typeof programInput>, flowMlPerDay: number | null): number {
  if (p.mode === 'constant-flow') return (flowMlPerDay ?? 0) * p.concentrationMcgPerMl;
  const boluses = (p.periodicBoluses ?? []).reduce((sum, b) => sum + b.doseMcg, 0);
  if (p.mode === 'simple') return (p.doseMcgPerDay ?? 0) + boluses;
  const steps = [...(p.flexSteps ?? [])].sort((a, b) => minutes(a.start) - minutes(b.start));
  let total = 0;
  steps.forEach((s, i) => {
    const next = i + 1 < steps.length ? minutes(steps[i + 1]!.start) : minutes(steps[0]!.start) + 1440;
    total += (s.doseMcgPerHour * (next - minutes(s.start))) / 60;
  });
  return total + boluses;
}

interface Props {
  value: ProgramDraft;
  onChange: (next: ProgramDraft) => void;
  drugs: ProgramDrug[];
  pumpKind: 'programmable' | 'constant-flow';
  flowMlPerDay: number | null;
  /** Field errors keyed by API path (with `prefix`, e.g. `program.`). */
  errors: Record<string, string>;
  prefix?: string;
  /**
   * The drug and concentration are what is in the reservoir: shown, not editable. A program change between
   * refills keeps them (reference.md B5); a new one is ordered for the next refill.
   */
  lockReservoir?: boolean;
  /** Whether periodic boluses are offered (a first program, at the implant, takes none). */
  periodicBoluses?: boolean;
}

/**
 * The program entry of every form that sets a program (the new patient's first program, a program change or order,
 * a replacement pump's program): drug, concentration, mode, dose or flex steps, periodic boluses and patient-bolus
 * limits, in the drug's unit.
 */
export function ProgramEditor({
  value,
  onChange,
  drugs,
  pumpKind,
  flowMlPerDay,
  errors,
  prefix = '',
  lockReservoir = false,
  periodicBoluses = true,
}: Props) {
  const id = useId();
  const unit = unitOf(drugs, value.drugId);
  const drug = drugs.find((d) => d.id === value.drugId);
  const set = (patch: Partial<ProgramDraft>) => onChange({ ...value, ...patch });
  const error = (key: string) => errors[`${prefix}${key}`];
  const errorFor = (key: string) => {
    const message = error(key);
    return message ? (
      <span id={`${id}-${key.replace(/\./g, '-')}-err`} className="field-error">
        {message}
      </span>
    ) : null;
  };
  const aria = (key: string) =>
    error(key)
      ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${key.replace(/\./g, '-')}-err` }
      : {};
  const modes: ProgramMode[] = pumpKind === 'constant-flow' ? ['constant-flow'] : ['simple', 'flex'];
  const f = perUnit(unit);

  return (
    <div className="stack">
      <div className="grid-2">
        <label>
          Drug product
          <select
            value={value.drugId}
            disabled={lockReservoir}
            onChange={(e) => {
              const next = drugs.find((d) => d.id === Number(e.target.value));
              const nf = perUnit(next?.doseUnit ?? 'mcg');
              const concentrations = (next?.concentrationsMcgPerMl ?? []).map((c) => numberField(c / nf));
              set({
                drugId: Number(e.target.value),
                concentration: concentrations.includes(value.concentration)
                  ? value.concentration
                  : (concentrations[0] ?? ''),
              });
            }}
            {...aria('drugId')}
          >
            {drugs.map((d) => (
              <option key={d.id} value={d.id}>
                {d.product} ({d.name})
              </option>
            ))}
          </select>
          {errorFor('drugId')}
        </label>
        <label>
          Concentration ({unit}/mL)
          <select
            value={value.concentration}
            disabled={lockReservoir}
            onChange={(e) => set({ concentration: e.target.value })}
            {...aria('concentrationMcgPerMl')}
          >
            {!drug?.concentrationsMcgPerMl.some((c) => numberField(c / f) === value.concentration) && (
              <option value={value.concentration}>{value.concentration} (not in the product list)</option>
            )}
            {drug?.concentrationsMcgPerMl.map((c) => (
              <option key={c} value={numberField(c / f)}>
                {numberField(c / f)} {unit}/mL
              </option>
            ))}
          </select>
          {errorFor('concentrationMcgPerMl')}
        </label>
        <label>
          Mode
          <select
            value={value.mode}
            onChange={(e) => set({ mode: e.target.value as ProgramMode })}
            {...aria('mode')}
          >
            {modes.map((m) => (
              <option key={m} value={m}>
                {modeLabels[m]}
              </option>
            ))}
          </select>
          {errorFor('mode')}
        </label>
        {value.mode === 'simple' && (
          <label>
            Daily dose ({unit}/day)
            <input
              inputMode="decimal"
              value={value.dose}
              onChange={(e) => set({ dose: e.target.value })}
              {...aria('doseMcgPerDay')}
            />
            {errorFor('doseMcgPerDay')}
          </label>
        )}
        {value.mode === 'constant-flow' && (
          <p className="small muted">
            A constant-flow pump delivers {flowMlPerDay ?? '?'} mL/day: its dose changes only with the
            concentration ({unit}/day = mL/day × {unit}/mL).
          </p>
        )}
      </div>

      {value.mode === 'flex' && (
        <fieldset className="pt-fieldset">
          <legend>Flex steps (each runs until the next; the last wraps past midnight)</legend>
          <table className="pt-steps">
            <thead>
              <tr>
                <th scope="col">Start (clinic time)</th>
                <th scope="col">Dose ({unit}/hour)</th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {value.steps.map((s, i) => (
                <tr key={i}>
                  <td>
                    <label className="sr-only" htmlFor={`${id}-step-${i}-start`}>
                      Step {i + 1} start
                    </label>
                    <TimeInput
                      label={`Step ${i + 1} start`}
                      id={`${id}-step-${i}-start`}
                      value={s.start}
                      onChange={(v) =>
                        set({
                          steps: value.steps.map((x, j) => (j === i ? { ...x, start: v } : x)),
                        })
                      }
                      {...aria(`flexSteps.${i}.start`)}
                    />
                    {errorFor(`flexSteps.${i}.start`)}
                  </td>
                  <td>
                    <label className="sr-only" htmlFor={`${id}-step-${i}-dose`}>
                      Step {i + 1} dose ({unit}/hour)
                    </label>
                    <input
                      id={`${id}-step-${i}-dose`}
                      inputMode="decimal"
                      value={s.dose}
                      onChange={(e) =>
                        set({
                          steps: value.steps.map((x, j) => (j === i ? { ...x, dose: e.target.value } : x)),
                        })
                      }
                      {...aria(`flexSteps.${i}.doseMcgPerHour`)}
                    />
                    {errorFor(`flexSteps.${i}.doseMcgPerHour`)}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      disabled={value.steps.length === 1}
                      onClick={() => set({ steps: value.steps.filter((_, j) => j !== i) })}
                    >
                      Remove step {i + 1}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {errorFor('flexSteps')}
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              // In time order, in the longest gap of the day, with the dose of the step it splits.
              const { start, at } = newFlexStepPlace(value.steps.map((x) => x.start));
              const steps = [...value.steps];
              steps.splice(at, 0, { start, dose: value.steps[at - 1]?.dose ?? value.steps[0]?.dose ?? '' });
              set({ steps });
            }}
          >
            Add a step
          </button>
        </fieldset>
      )}

      {value.mode !== 'constant-flow' && periodicBoluses && (
        <fieldset className="pt-fieldset">
          <legend>Periodic boluses</legend>
          {value.boluses.length === 0 && <p className="small muted">None.</p>}
          {value.boluses.map((b, i) => (
            <div key={i} className="pt-row">
              <div className="typed-field">
                <label htmlFor={`${id}-bolus-${i}-at`}>Bolus {i + 1} at</label>
                <TimeInput
                  label={`Bolus ${i + 1} time`}
                  id={`${id}-bolus-${i}-at`}
                  value={b.at}
                  onChange={(v) =>
                    set({
                      boluses: value.boluses.map((x, j) => (j === i ? { ...x, at: v } : x)),
                    })
                  }
                  {...aria(`periodicBoluses.${i}.at`)}
                />
                {errorFor(`periodicBoluses.${i}.at`)}
              </div>
              <label>
                Bolus {i + 1} dose ({unit})
                <input
                  inputMode="decimal"
                  value={b.dose}
                  onChange={(e) =>
                    set({
                      boluses: value.boluses.map((x, j) => (j === i ? { ...x, dose: e.target.value } : x)),
                    })
                  }
                  {...aria(`periodicBoluses.${i}.doseMcg`)}
                />
                {errorFor(`periodicBoluses.${i}.doseMcg`)}
              </label>
              <button
                type="button"
                className="secondary small"
                onClick={() => set({ boluses: value.boluses.filter((_, j) => j !== i) })}
              >
                Remove bolus {i + 1}
              </button>
            </div>
          ))}
          {errorFor('periodicBoluses')}
          <button
            type="button"
            className="secondary small"
            onClick={() => set({ boluses: [...value.boluses, { at: '12:00', dose: '' }] })}
          >
            Add a periodic bolus
          </button>
        </fieldset>
      )}

      {value.mode !== 'constant-flow' && (
        <fieldset className="pt-fieldset">
          <legend>Patient-activated boluses (myPTM / PTC)</legend>
          <label className="inline">
            <input
              type="checkbox"
              checked={value.patientBolus !== null}
              onChange={(e) => set({ patientBolus: e.target.checked ? { dose: '', maxPerDay: '' } : null })}
            />{' '}
            Allow patient boluses
          </label>
          {value.patientBolus && (
            <div className="pt-row">
              <label>
                Bolus dose ({unit})
                <input
                  inputMode="decimal"
                  value={value.patientBolus.dose}
                  onChange={(e) => set({ patientBolus: { ...value.patientBolus!, dose: e.target.value } })}
                  {...aria('patientBolus.doseMcg')}
                />
                {errorFor('patientBolus.doseMcg')}
              </label>
              <label>
                At most per day
                <input
                  inputMode="numeric"
                  value={value.patientBolus.maxPerDay}
                  onChange={(e) =>
                    set({ patientBolus: { ...value.patientBolus!, maxPerDay: e.target.value } })
                  }
                  {...aria('patientBolus.maxPerDay')}
                />
                {errorFor('patientBolus.maxPerDay')}
              </label>
            </div>
          )}
          {errorFor('patientBolus')}
          <p className="small muted">
            The forecast assumes every allowed patient bolus is taken (worst case).
          </p>
        </fieldset>
      )}
    </div>
  );
}
