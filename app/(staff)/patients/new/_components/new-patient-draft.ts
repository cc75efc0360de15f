/**
 * The new-patient form as typed, and what it sends. Plain functions: the form's hook holds the state, these turn it
 * into the body of POST /api/v1/patients and into the checks the catalogue makes for the chosen model.
 */
import type { NewPatientOptions } from '@/db/queries/patient-lookup';
import type { CreatePatientBody } from '@/lib/validation/patient-create';
import { numberField, parseNumber, perUnit } from '../../[id]/_components/labels';
import {
  dailyDoseOf,
  programInput,
  type ProgramDraft,
  type ProgramDrug,
} from '../../[id]/_components/program-editor';

type Model = NewPatientOptions['models'][number];
type Drug = NewPatientOptions['drugs'][number];

/** The patient as typed: the API's fields, with the two choices still text until one is made. */
export type PatientDraft = Required<
  Omit<CreatePatientBody['patient'], 'spasticityOrigin' | 'managingPhysicianId'>
> & { spasticityOrigin: string; managingPhysicianId: string };

export interface PumpDraft {
  serial: string;
  implantedOn: string;
  alarmMl: string;
  reservoirMl: string;
  flowMlPerDay: string;
  catheterVolumeMl: string;
}

export interface FillDraft {
  date: string;
  time: string;
  volumeMl: string;
  drugLot: string;
  drugExpiresOn: string;
}

/** A typed number; empty is "not given"; anything else is sent as typed so that the server names the field. */
const optionalNumber = (v: string): number | undefined =>
  v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : (v as unknown as number);
const requiredNumber = (v: string): number => optionalNumber(v) ?? (v as unknown as number);
export const mlText = (ul: number | null) => (ul == null ? '' : String(ul / 1000));
export const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The catalogue's drugs as the shared program entry takes them (concentrations in mcg/mL). */
export function programDrugs(drugs: Drug[]): ProgramDrug[] {
  return drugs.map((d) => ({
    id: d.id,
    name: d.name,
    product: d.product,
    doseUnit: d.doseUnit,
    concentrationsMcgPerMl: d.concentrationsNgPerMl.map((c) => c / 1000),
  }));
}

/** The first program's starting point: the drug's second listed concentration (the usual maintenance strength). */
export function initialProgram(drug: Drug | undefined, model: Model | undefined): ProgramDraft {
  const concentrationNg = drug?.concentrationsNgPerMl[1] ?? drug?.concentrationsNgPerMl[0];
  return {
    drugId: drug?.id ?? 0,
    concentration:
      concentrationNg == null ? '' : numberField(concentrationNg / 1000 / perUnit(drug!.doseUnit)),
    mode: model?.kind === 'constant-flow' ? 'constant-flow' : 'simple',
    dose: '',
    steps: [{ start: '00:00', dose: '' }],
    boluses: [],
    patientBolus: null,
  };
}

/** What the catalogue makes required for this model (the server checks the same, after the shape). */
export function modelChecks(model: Model | undefined, pump: PumpDraft): Record<string, string> {
  const out: Record<string, string> = {};
  if (!model) return out;
  if (model.defaultAlarmUl == null && pump.alarmMl.trim() === '')
    out['pump.alarmMl'] =
      `Alarm volume is required: the ${model.name} has no default alarm volume (enter this patient’s, in mL).`;
  if (model.reservoirUl == null && pump.reservoirMl.trim() === '')
    out['pump.reservoirMl'] =
      `Reservoir volume is required: the ${model.name} catalogue entry has none (mL).`;
  if (model.kind === 'constant-flow' && pump.flowMlPerDay.trim() === '')
    out['pump.flowMlPerDay'] = 'Flow rate is required for a constant-flow pump (mL/day).';
  return out;
}

/**
 * The server names the concentration `program.concentrationNgPerMl` (it takes the catalogue's exact value); the
 * shared program entry shows its error under `concentrationMcgPerMl`.
 */
export function programFieldErrors(fields: Record<string, string>): Record<string, string> {
  const out = { ...fields };
  const concentration = out['program.concentrationNgPerMl'];
  if (concentration) out['program.concentrationMcgPerMl'] = concentration;
  return out;
}

export function createPatientBody(
  patient: PatientDraft,
  modelId: number,
  model: Model | undefined,
  pump: PumpDraft,
  program: ProgramDraft,
  drugs: Drug[],
  fill: FillDraft,
): CreatePatientBody {
  const constantFlow = model?.kind === 'constant-flow';
  const k = perUnit(drugs.find((d) => d.id === program.drugId)?.doseUnit ?? 'mcg');
  const toMcg = (v: string) => {
    const n = optionalNumber(v);
    return typeof n === 'number' ? round(n * k, 6) : n;
  };
  const concentrationMcg = parseNumber(program.concentration) * k;
  return {
    patient: {
      ...patient,
      managingPhysicianId: patient.managingPhysicianId || null,
      spasticityOrigin: patient.spasticityOrigin as 'spinal',
    },
    pump: {
      modelId,
      serial: pump.serial,
      implantedOn: pump.implantedOn,
      alarmMl: optionalNumber(pump.alarmMl),
      reservoirMl: model?.reservoirUl == null ? optionalNumber(pump.reservoirMl) : undefined,
      flowMlPerDay: constantFlow ? optionalNumber(pump.flowMlPerDay) : undefined,
      catheterVolumeMl: optionalNumber(pump.catheterVolumeMl) ?? null,
    },
    program: {
      drugId: program.drugId,
      // One of the catalogue's values, chosen from its list: rounding only undoes the mg ↔ ng float error.
      concentrationNgPerMl: Number.isFinite(concentrationMcg)
        ? Math.round(concentrationMcg * 1000)
        : (program.concentration as unknown as number),
      mode: program.mode,
      doseMcgPerDay: program.mode === 'simple' ? toMcg(program.dose) : undefined,
      flexSteps:
        program.mode === 'flex'
          ? program.steps.map((st) => ({ start: st.start, doseMcgPerHour: toMcg(st.dose) as number }))
          : undefined,
      patientBolus:
        program.patientBolus && !constantFlow
          ? {
              doseMcg: toMcg(program.patientBolus.dose) as number,
              maxPerDay: requiredNumber(program.patientBolus.maxPerDay),
            }
          : null,
    },
    initialFill: {
      date: fill.date,
      time: fill.time,
      volumeMl: requiredNumber(fill.volumeMl),
      drugLot: fill.drugLot,
      drugExpiresOn: fill.drugExpiresOn || null,
    },
  };
}

/** What the forecast will see, before saving: the daily volume and the days from the fill to the alarm volume. */
export function fillPreview(pump: PumpDraft, program: ProgramDraft, drugs: ProgramDrug[], fill: FillDraft) {
  const flow = pump.flowMlPerDay.trim() === '' ? null : Number(pump.flowMlPerDay);
  const input = programInput(program, drugs);
  const doseMcgPerDay = dailyDoseOf(input, flow);
  const dailyMl =
    program.mode === 'constant-flow' ? (flow ?? Number.NaN) : doseMcgPerDay / input.concentrationMcgPerMl;
  const alarmMl = pump.alarmMl === '' ? Number.NaN : Number(pump.alarmMl);
  return { doseMcgPerDay, dailyMl, alarmMl, daysToAlarm: (Number(fill.volumeMl) - alarmMl) / dailyMl };
}
