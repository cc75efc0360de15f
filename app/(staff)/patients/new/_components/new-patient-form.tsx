'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { NewPatientOptions } from '@/db/queries/patient-lookup';
import { ApiError, fetchJson } from '@/lib/query/client';
import { refetchAfter } from '@/lib/query/keys';
import type { CreatePatientBody } from '@/lib/validation/patient-create';
import { ProgramEditor, type ProgramDraft } from '../../[id]/_components/program-editor';
import { InitialFillSection } from './initial-fill-section';
import {
  createPatientBody,
  fillPreview,
  initialProgram,
  mlText,
  modelChecks,
  programDrugs,
  programFieldErrors,
  round,
  type FillDraft,
  type PatientDraft,
  type PumpDraft,
} from './new-patient-draft';
import { PatientSection } from './patient-section';
import { PumpSection } from './pump-section';

const emptyPatient: PatientDraft = {
  mrn: '',
  givenName: '',
  familyName: '',
  nameOrder: 'given-first',
  dateOfBirth: '',
  phone: '',
  address: '',
  caregiverName: '',
  caregiverPhone: '',
  spasticityOrigin: '',
  riskInjuryT6OrAbove: false,
  riskCommunication: false,
  riskPriorWithdrawal: false,
  riskHearingImpaired: false,
  backupOralPlan: '',
  allergies: '',
  managingPhysicianId: '',
};

/** The patient, their implanted pump, its first program and the initial fill: saved together or not at all. */
export function NewPatientForm({ options, today }: { options: NewPatientOptions; today: string }) {
  const firstModel = options.models.find((m) => m.modelNumber === '8637-20') ?? options.models[0];
  const firstDrug = options.drugs.find((d) => d.product === 'Lioresal Intrathecal') ?? options.drugs[0];
  const drugs = programDrugs(options.drugs);

  const [patient, setPatient] = useState(emptyPatient);
  const [modelId, setModelId] = useState(firstModel?.id ?? 0);
  const model = options.models.find((m) => m.id === modelId);
  const [pump, setPump] = useState<PumpDraft>({
    serial: '',
    implantedOn: today,
    alarmMl: mlText(firstModel?.defaultAlarmUl ?? null),
    reservoirMl: '',
    flowMlPerDay: '',
    catheterVolumeMl: '',
  });
  const [program, setProgram] = useState<ProgramDraft>(() => initialProgram(firstDrug, firstModel));
  const [fill, setFill] = useState<FillDraft>({
    date: today,
    time: '',
    volumeMl: mlText(firstModel?.reservoirUl ?? null),
    drugLot: '',
    drugExpiresOn: '',
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const mutation = useCreatePatient((e) => {
    // The server checks the model-dependent fields only once the form is well-formed: say so at once.
    const all = { ...modelChecks(model, pump), ...e.fields };
    const n = Object.keys(all).length;
    setFields(programFieldErrors(all));
    setError(
      n ? `Nothing was saved: correct the ${n === 1 ? 'field' : `${n} fields`} marked in red.` : e.message,
    );
  }, setError);

  function chooseModel(id: number) {
    const next = options.models.find((m) => m.id === id);
    setModelId(id);
    if (!next) return;
    setPump((p) => ({
      ...p,
      alarmMl: mlText(next.defaultAlarmUl),
      reservoirMl: '',
      flowMlPerDay: next.nominalFlowUlPerDay != null ? mlText(next.nominalFlowUlPerDay) : '',
    }));
    setProgram((p) => ({
      ...p,
      mode: next.kind === 'constant-flow' ? 'constant-flow' : p.mode === 'constant-flow' ? 'simple' : p.mode,
    }));
    if (next.reservoirUl != null) setFill((f) => ({ ...f, volumeMl: mlText(next.reservoirUl) }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    mutation.mutate(createPatientBody(patient, modelId, model, pump, program, options.drugs, fill));
  }

  const drug = options.drugs.find((d) => d.id === program.drugId);
  const labeled = !drug || !model || model.labeledDrugs.includes(drug.name);
  const unitLabel = drug?.doseUnit === 'mg' ? 'mg' : 'mcg';
  const preview = fillPreview(pump, program, drugs, fill);
  const f = (path: string) => fields[path];
  const disabled = mutation.isPending;

  return (
    <form
      onSubmit={onSubmit}
      className="stack newpt-form"
      noValidate
      aria-label="Add a patient with their pump"
    >
      <PatientSection
        patient={patient}
        setPatient={setPatient}
        physicians={options.physicians}
        today={today}
        f={f}
        disabled={disabled}
      />
      <PumpSection
        pump={pump}
        setPump={setPump}
        models={options.models}
        modelId={modelId}
        chooseModel={chooseModel}
        today={today}
        f={f}
        disabled={disabled}
      />

      <fieldset className="sched-fieldset newpt-section" disabled={disabled}>
        <legend>3. First program</legend>
        <ProgramEditor
          value={program}
          onChange={setProgram}
          drugs={drugs}
          pumpKind={model?.kind ?? 'programmable'}
          flowMlPerDay={
            Number.isFinite(Number(pump.flowMlPerDay)) && pump.flowMlPerDay.trim() !== ''
              ? Number(pump.flowMlPerDay)
              : null
          }
          errors={fields}
          prefix="program."
          periodicBoluses={false}
        />
        {program.mode === 'constant-flow' && (
          <p className="sched-help newpt-derived">
            The dose follows from the flow rate and the concentration:{' '}
            {Number.isFinite(preview.doseMcgPerDay) && preview.doseMcgPerDay > 0
              ? `${round(unitLabel === 'mg' ? preview.doseMcgPerDay / 1000 : preview.doseMcgPerDay)} ${unitLabel}/day`
              : 'enter the flow rate'}
            .
          </p>
        )}
        {!labeled && drug && model && (
          <p className="notice warn small">
            The {model.name} {model.modelNumber} is not labelled for {drug.name}. Unapproved drugs were linked
            to more pump failures (reference.md S85): confirm with the physician.
          </p>
        )}
      </fieldset>

      <InitialFillSection fill={fill} setFill={setFill} model={model} today={today} f={f} disabled={disabled}>
        {preview.dailyMl > 0 && Number.isFinite(preview.dailyMl) && (
          <p className="notice small newpt-preview" aria-live="polite">
            Daily volume {round(preview.dailyMl)} mL/day
            {Number.isFinite(preview.daysToAlarm) && preview.daysToAlarm > 0
              ? `; about ${Math.floor(preview.daysToAlarm)} days from the fill to the ${preview.alarmMl} mL alarm volume, before the clinic’s buffer.`
              : '.'}{' '}
            The exact due date is computed when you save.
          </p>
        )}
      </InitialFillSection>

      {error && (
        <p role="alert" className="notice danger">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="submit" disabled={disabled}>
          {disabled ? 'Saving…' : 'Add patient and pump'}
        </button>
      </div>
    </form>
  );
}

/** POST /api/v1/patients; on success the worklist is refetched and the new patient's page opened. */
function useCreatePatient(onRefused: (e: ApiError) => void, onUnreachable: (message: string) => void) {
  const router = useRouter();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePatientBody) =>
      fetchJson<{ patientId: number; pumpId: number; refillDueOn: string | null }>('/api/v1/patients', {
        method: 'POST',
        body: JSON.stringify(body),
      }),
    onSuccess: async ({ patientId }) => {
      await refetchAfter(client, { patientId });
      router.push(`/patients/${patientId}`);
    },
    onError: (e) => {
      if (e instanceof ApiError) onRefused(e);
      else onUnreachable('The server could not be reached. Nothing was saved.');
    },
  });
}
