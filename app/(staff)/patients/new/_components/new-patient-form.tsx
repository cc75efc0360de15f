'use client';

import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Field } from '@/app/(staff)/_components/field';
import type { NewPatientOptions } from '@/db/queries/patient-lookup';
import { ApiError, fetchJson } from '@/lib/query/client';
import { scheduleKeys } from '@/lib/query/appointments';
import type { CreatePatientBody } from '@/lib/validation/patient-create';

type Model = NewPatientOptions['models'][number];
type Drug = NewPatientOptions['drugs'][number];

/** A typed number; empty is "not given"; anything else is sent as typed so that the server names the field. */
const optionalNumber = (v: string): number | undefined =>
  v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : (v as unknown as number);
const requiredNumber = (v: string): number => optionalNumber(v) ?? (v as unknown as number);
const mlText = (ul: number | null) => (ul == null ? '' : String(ul / 1000));
/** The drug's display unit per mcg: baclofen and ziconotide in mcg, morphine in mg. */
const perUnit = (drug: Drug | undefined) => (drug?.doseUnit === 'mg' ? 1000 : 1);
const concentrationLabel = (ngPerMl: number, drug: Drug) =>
  drug.doseUnit === 'mg' ? `${ngPerMl / 1_000_000} mg/mL` : `${ngPerMl / 1000} mcg/mL`;
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

interface Step {
  start: string;
  dose: string;
}

export function NewPatientForm({ options, today }: { options: NewPatientOptions; today: string }) {
  const router = useRouter();
  const client = useQueryClient();
  const firstModel = options.models.find((m) => m.modelNumber === '8637-20') ?? options.models[0];
  const firstDrug = options.drugs.find((d) => d.product === 'Lioresal Intrathecal') ?? options.drugs[0];

  const [patient, setPatient] = useState({
    mrn: '',
    givenName: '',
    familyName: '',
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
  });
  const [modelId, setModelId] = useState(firstModel?.id ?? 0);
  const model: Model | undefined = options.models.find((m) => m.id === modelId);
  const [pump, setPump] = useState({
    serial: '',
    implantedOn: today,
    alarmMl: mlText(firstModel?.defaultAlarmUl ?? null),
    reservoirMl: '',
    flowMlPerDay: '',
    catheterVolumeMl: '',
  });
  const [drugId, setDrugId] = useState(firstDrug?.id ?? 0);
  const drug: Drug | undefined = options.drugs.find((d) => d.id === drugId);
  const [concentration, setConcentration] = useState(
    String(firstDrug?.concentrationsNgPerMl[1] ?? firstDrug?.concentrationsNgPerMl[0] ?? ''),
  );
  const [mode, setMode] = useState<'simple' | 'flex' | 'constant-flow'>(
    firstModel?.kind === 'constant-flow' ? 'constant-flow' : 'simple',
  );
  const [dose, setDose] = useState('');
  const [steps, setSteps] = useState<Step[]>([{ start: '00:00', dose: '' }]);
  const [bolus, setBolus] = useState({ on: false, dose: '', maxPerDay: '' });
  const [fill, setFill] = useState({
    date: today,
    time: '',
    volumeMl: mlText(firstModel?.reservoirUl ?? null),
    drugLot: '',
    drugExpiresOn: '',
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const constantFlow = model?.kind === 'constant-flow';
  const unit = drug?.doseUnit ?? 'mcg';

  const mutation = useMutation({
    mutationFn: (body: CreatePatientBody) =>
      fetchJson<{ patientId: number; pumpId: number; refillDueOn: string | null }>('/api/v1/patients', {
        method: 'POST',
        body: JSON.stringify(body),
      }),
    onSuccess: async ({ patientId }) => {
      await client.invalidateQueries({ queryKey: scheduleKeys.worklist });
      router.push(`/patients/${patientId}`);
    },
    onError: (e) => {
      if (e instanceof ApiError) {
        // The server checks the model-dependent fields only once the form is well-formed: say so at once.
        const all = { ...modelChecks(), ...e.fields };
        const n = Object.keys(all).length;
        setFields(all);
        setError(
          n
            ? `Nothing was saved: correct the ${n === 1 ? 'field' : `${n} fields`} marked in red.`
            : e.message,
        );
      } else setError('The server could not be reached. Nothing was saved.');
    },
  });

  /** What the catalogue makes required for this model (the server checks the same, after the shape). */
  function modelChecks(): Record<string, string> {
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
    setMode(next.kind === 'constant-flow' ? 'constant-flow' : mode === 'constant-flow' ? 'simple' : mode);
    if (next.reservoirUl != null) setFill((f) => ({ ...f, volumeMl: mlText(next.reservoirUl) }));
  }

  function chooseDrug(id: number) {
    const next = options.drugs.find((d) => d.id === id);
    setDrugId(id);
    if (next)
      setConcentration(
        String(
          next.concentrationsNgPerMl.length > 1
            ? next.concentrationsNgPerMl[1]
            : next.concentrationsNgPerMl[0],
        ),
      );
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const k = perUnit(drug);
    const toMcg = (v: string) => {
      const n = optionalNumber(v);
      return typeof n === 'number' ? round(n * k, 6) : n;
    };
    mutation.mutate({
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
        drugId,
        concentrationNgPerMl: requiredNumber(concentration),
        mode,
        doseMcgPerDay: mode === 'simple' ? toMcg(dose) : undefined,
        flexSteps:
          mode === 'flex'
            ? steps.map((st) => ({ start: st.start, doseMcgPerHour: toMcg(st.dose) as number }))
            : undefined,
        patientBolus:
          bolus.on && !constantFlow
            ? { doseMcg: toMcg(bolus.dose) as number, maxPerDay: requiredNumber(bolus.maxPerDay) }
            : null,
      },
      initialFill: {
        date: fill.date,
        time: fill.time,
        volumeMl: requiredNumber(fill.volumeMl),
        drugLot: fill.drugLot,
        drugExpiresOn: fill.drugExpiresOn || null,
      },
    });
  }

  // A preview of what the forecast will see: daily volume and days from the fill to the alarm volume.
  const concMcg = Number(concentration) / 1000;
  const doseMcgDay =
    mode === 'simple'
      ? Number(dose) * perUnit(drug)
      : mode === 'flex'
        ? flexDailyMcg(steps) * perUnit(drug)
        : Number(pump.flowMlPerDay) * concMcg;
  const dailyMl = mode === 'constant-flow' ? Number(pump.flowMlPerDay) : doseMcgDay / concMcg;
  const alarm = pump.alarmMl === '' ? NaN : Number(pump.alarmMl);
  const daysToAlarm = (Number(fill.volumeMl) - alarm) / dailyMl;
  const labeled = !drug || !model || model.labeledDrugs.includes(drug.name);

  const f = (path: string) => fields[path];
  const unitLabel = unit === 'mg' ? 'mg' : 'mcg';

  return (
    <form
      onSubmit={onSubmit}
      className="stack newpt-form"
      noValidate
      aria-label="Add a patient with their pump"
    >
      <fieldset className="sched-fieldset newpt-section" disabled={mutation.isPending}>
        <legend>1. Patient</legend>
        <div className="grid-2">
          <Field label="Given name" error={f('patient.givenName')}>
            {(p) => (
              <input
                {...p}
                value={patient.givenName}
                onChange={(e) => setPatient({ ...patient, givenName: e.target.value })}
                maxLength={80}
                autoComplete="off"
                required
              />
            )}
          </Field>
          <Field label="Family name" error={f('patient.familyName')}>
            {(p) => (
              <input
                {...p}
                value={patient.familyName}
                onChange={(e) => setPatient({ ...patient, familyName: e.target.value })}
                maxLength={80}
                autoComplete="off"
                required
              />
            )}
          </Field>
          <Field label="MRN" error={f('patient.mrn')} help="Unique within this clinic.">
            {(p) => (
              <input
                {...p}
                value={patient.mrn}
                onChange={(e) => setPatient({ ...patient, mrn: e.target.value })}
                maxLength={32}
                autoComplete="off"
                required
              />
            )}
          </Field>
          <Field label="Date of birth" error={f('patient.dateOfBirth')}>
            {(p) => (
              <input
                {...p}
                type="date"
                max={today}
                value={patient.dateOfBirth}
                onChange={(e) => setPatient({ ...patient, dateOfBirth: e.target.value })}
                required
              />
            )}
          </Field>
          <Field label="Phone" error={f('patient.phone')}>
            {(p) => (
              <input
                {...p}
                type="tel"
                value={patient.phone}
                onChange={(e) => setPatient({ ...patient, phone: e.target.value })}
                maxLength={40}
              />
            )}
          </Field>
          <Field label="Address" error={f('patient.address')}>
            {(p) => (
              <input
                {...p}
                value={patient.address}
                onChange={(e) => setPatient({ ...patient, address: e.target.value })}
                maxLength={300}
              />
            )}
          </Field>
          <Field label="Caregiver name" error={f('patient.caregiverName')}>
            {(p) => (
              <input
                {...p}
                value={patient.caregiverName}
                onChange={(e) => setPatient({ ...patient, caregiverName: e.target.value })}
                maxLength={120}
              />
            )}
          </Field>
          <Field label="Caregiver phone" error={f('patient.caregiverPhone')}>
            {(p) => (
              <input
                {...p}
                type="tel"
                value={patient.caregiverPhone}
                onChange={(e) => setPatient({ ...patient, caregiverPhone: e.target.value })}
                maxLength={40}
              />
            )}
          </Field>
          <Field
            label="Spasticity origin"
            error={f('patient.spasticityOrigin')}
            help="Sets the usual dose-change limits: cerebral origin uses smaller steps (reference.md S20)."
          >
            {(p) => (
              <select
                {...p}
                value={patient.spasticityOrigin}
                onChange={(e) => setPatient({ ...patient, spasticityOrigin: e.target.value })}
                required
              >
                <option value="">Choose…</option>
                <option value="spinal">Spinal</option>
                <option value="cerebral">Cerebral</option>
                <option value="other">Other / pain</option>
              </select>
            )}
          </Field>
          <Field label="Managing physician" error={f('patient.managingPhysicianId')}>
            {(p) => (
              <select
                {...p}
                value={patient.managingPhysicianId}
                onChange={(e) => setPatient({ ...patient, managingPhysicianId: e.target.value })}
              >
                <option value="">Not assigned</option>
                {options.physicians.map((ph) => (
                  <option key={ph.id} value={ph.id}>
                    {ph.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <fieldset className="newpt-risks">
          <legend>Risk flags</legend>
          <p className="sched-help">
            Spinal cord injury at T6 or above, communication difficulty and prior withdrawal raise the
            severity of overdue alerts (boxed warning, reference.md E13).
          </p>
          <div className="settings-checks">
            {(
              [
                ['riskInjuryT6OrAbove', 'Injury at T6 or above'],
                ['riskCommunication', 'Communication difficulty'],
                ['riskPriorWithdrawal', 'Prior withdrawal'],
                ['riskHearingImpaired', 'Hearing impaired (may miss the pump alarm)'],
              ] as const
            ).map(([key, label]) => (
              <label key={key} className="inline">
                <input
                  type="checkbox"
                  checked={patient[key]}
                  onChange={(e) => setPatient({ ...patient, [key]: e.target.checked })}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid-2">
          <Field
            label="Backup oral baclofen plan"
            error={f('patient.backupOralPlan')}
            help="What the patient takes if the pump fails, until seen. Printed on the emergency card."
          >
            {(p) => (
              <textarea
                {...p}
                rows={2}
                value={patient.backupOralPlan}
                onChange={(e) => setPatient({ ...patient, backupOralPlan: e.target.value })}
                maxLength={1000}
              />
            )}
          </Field>
          <Field label="Allergies" error={f('patient.allergies')}>
            {(p) => (
              <textarea
                {...p}
                rows={2}
                value={patient.allergies}
                onChange={(e) => setPatient({ ...patient, allergies: e.target.value })}
                maxLength={1000}
              />
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className="sched-fieldset newpt-section" disabled={mutation.isPending}>
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
                {options.models.map((m) => (
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
              <input
                {...p}
                type="date"
                max={today}
                value={pump.implantedOn}
                onChange={(e) => setPump({ ...pump, implantedOn: e.target.value })}
                required
              />
            )}
          </Field>
          <Field
            label="Low-reservoir alarm volume (mL)"
            error={f('pump.alarmMl')}
            help={
              model?.defaultAlarmUl != null
                ? `The model’s default is ${model.defaultAlarmUl / 1000} mL (manufacturer-recommended residual, S32). Raise it (e.g. 4 mL) for a patient with withdrawal symptoms above 2 mL.`
                : 'Required: this model has no default alarm volume. Prometra’s therapy controller uses 3.0 mL (S28).'
            }
          >
            {(p) => (
              <input
                {...p}
                type="number"
                inputMode="decimal"
                min={0}
                max={100}
                step={0.1}
                value={pump.alarmMl}
                onChange={(e) => setPump({ ...pump, alarmMl: e.target.value })}
                required
              />
            )}
          </Field>
          {model?.reservoirUl == null && (
            <Field
              label="Reservoir volume (mL)"
              error={f('pump.reservoirMl')}
              help="This model’s reservoir depends on the pump: enter it from the implant record."
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  inputMode="decimal"
                  min={0}
                  max={100}
                  step={0.1}
                  value={pump.reservoirMl}
                  onChange={(e) => setPump({ ...pump, reservoirMl: e.target.value })}
                  required
                />
              )}
            </Field>
          )}
          {constantFlow && (
            <Field
              label="Flow rate (mL/day)"
              error={f('pump.flowMlPerDay')}
              help="Fixed by the pump’s flow restrictor; replace it with the measured rate at refills (reference.md B6)."
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  inputMode="decimal"
                  min={0}
                  max={20}
                  step={0.001}
                  value={pump.flowMlPerDay}
                  onChange={(e) => setPump({ ...pump, flowMlPerDay: e.target.value })}
                  required
                />
              )}
            </Field>
          )}
          <Field
            label="Catheter volume (mL, optional)"
            error={f('pump.catheterVolumeMl')}
            help="For bridge boluses. Prometra: implanted length (cm) × 0.0026 mL/cm (S31)."
          >
            {(p) => (
              <input
                {...p}
                type="number"
                inputMode="decimal"
                min={0}
                max={10}
                step={0.001}
                value={pump.catheterVolumeMl}
                onChange={(e) => setPump({ ...pump, catheterVolumeMl: e.target.value })}
              />
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className="sched-fieldset newpt-section" disabled={mutation.isPending}>
        <legend>3. First program</legend>
        <div className="grid-2">
          <Field label="Drug product" error={f('program.drugId')}>
            {(p) => (
              <select {...p} value={drugId} onChange={(e) => chooseDrug(Number(e.target.value))} required>
                {options.drugs.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.product} ({d.name})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Concentration" error={f('program.concentrationNgPerMl')}>
            {(p) => (
              <select
                {...p}
                value={concentration}
                onChange={(e) => setConcentration(e.target.value)}
                required
              >
                {drug?.concentrationsNgPerMl.map((c) => (
                  <option key={c} value={c}>
                    {concentrationLabel(c, drug)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Mode" error={f('program.mode')}>
            {(p) => (
              <select {...p} value={mode} onChange={(e) => setMode(e.target.value as typeof mode)} required>
                {constantFlow ? (
                  <option value="constant-flow">Constant flow</option>
                ) : (
                  <>
                    <option value="simple">Simple continuous</option>
                    <option value="flex">Flex (steps through the day)</option>
                  </>
                )}
              </select>
            )}
          </Field>
          {mode === 'simple' && (
            <Field label={`Daily dose (${unitLabel}/day)`} error={f('program.doseMcgPerDay')}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  inputMode="decimal"
                  min={0}
                  step="any"
                  value={dose}
                  onChange={(e) => setDose(e.target.value)}
                  required
                />
              )}
            </Field>
          )}
          {mode === 'constant-flow' && (
            <p className="sched-help newpt-derived">
              The dose follows from the flow rate and the concentration:{' '}
              {Number.isFinite(doseMcgPerDayDisplay(doseMcgDay, unit)) && doseMcgDay > 0
                ? `${doseMcgPerDayDisplay(doseMcgDay, unit)} ${unitLabel}/day`
                : 'enter the flow rate'}
              .
            </p>
          )}
        </div>
        {!labeled && drug && model && (
          <p className="notice warn small">
            The {model.name} {model.modelNumber} is not labelled for {drug.name}. Unapproved drugs were linked
            to more pump failures (reference.md S85): confirm with the physician.
          </p>
        )}
        {mode === 'flex' && (
          <fieldset className="newpt-steps">
            <legend>Flex steps (each runs until the next one starts; the first starts at 00:00)</legend>
            {f('program.flexSteps') && <span className="field-error">{f('program.flexSteps')}</span>}
            <ol>
              {steps.map((st, i) => (
                <li key={i}>
                  <Field label={`Step ${i + 1} starts`} error={f(`program.flexSteps.${i}.start`)}>
                    {(p) => (
                      <input
                        {...p}
                        type="time"
                        step={900}
                        value={st.start}
                        onChange={(e) =>
                          setSteps(steps.map((x, j) => (j === i ? { ...x, start: e.target.value } : x)))
                        }
                        required
                      />
                    )}
                  </Field>
                  <Field
                    label={`Step ${i + 1} dose (${unitLabel}/hour)`}
                    error={f(`program.flexSteps.${i}.doseMcgPerHour`)}
                  >
                    {(p) => (
                      <input
                        {...p}
                        type="number"
                        inputMode="decimal"
                        min={0}
                        step="any"
                        value={st.dose}
                        onChange={(e) =>
                          setSteps(steps.map((x, j) => (j === i ? { ...x, dose: e.target.value } : x)))
                        }
                        required
                      />
                    )}
                  </Field>
                  {steps.length > 1 && (
                    <button
                      type="button"
                      className="small secondary"
                      onClick={() => setSteps(steps.filter((_, j) => j !== i))}
                    >
                      Remove<span className="sr-only"> step {i + 1}</span>
                    </button>
                  )}
                </li>
              ))}
            </ol>
            {steps.length < 48 && (
              <button
                type="button"
                className="small secondary"
                onClick={() => setSteps([...steps, { start: '', dose: '' }])}
              >
                Add a step
              </button>
            )}
          </fieldset>
        )}
        {!constantFlow && (
          <div className="newpt-bolus">
            <label className="inline">
              <input
                type="checkbox"
                checked={bolus.on}
                onChange={(e) => setBolus({ ...bolus, on: e.target.checked })}
              />
              Patient-activated bolus (myPTM / PTC)
            </label>
            {bolus.on && (
              <div className="grid-2">
                <Field label={`Bolus dose (${unitLabel})`} error={f('program.patientBolus.doseMcg')}>
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      inputMode="decimal"
                      min={0}
                      step="any"
                      value={bolus.dose}
                      onChange={(e) => setBolus({ ...bolus, dose: e.target.value })}
                      required
                    />
                  )}
                </Field>
                <Field
                  label="Boluses per day at most"
                  error={f('program.patientBolus.maxPerDay')}
                  help="Due dates assume every allowed bolus is taken (worst case, reference.md B1)."
                >
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={48}
                      step={1}
                      value={bolus.maxPerDay}
                      onChange={(e) => setBolus({ ...bolus, maxPerDay: e.target.value })}
                      required
                    />
                  )}
                </Field>
              </div>
            )}
          </div>
        )}
      </fieldset>

      <fieldset className="sched-fieldset newpt-section" disabled={mutation.isPending}>
        <legend>4. Initial fill</legend>
        <div className="grid-2">
          <Field label="Fill date" error={f('initialFill.date')}>
            {(p) => (
              <input
                {...p}
                type="date"
                max={today}
                value={fill.date}
                onChange={(e) => setFill({ ...fill, date: e.target.value })}
                required
              />
            )}
          </Field>
          <Field label="Fill time (clinic time)" error={f('initialFill.time')}>
            {(p) => (
              <input
                {...p}
                type="time"
                step={60}
                value={fill.time}
                onChange={(e) => setFill({ ...fill, time: e.target.value })}
                required
              />
            )}
          </Field>
          <Field
            label="Volume filled (mL)"
            error={f('initialFill.volumeMl')}
            help={
              model?.reservoirUl != null
                ? `At most the ${model.reservoirUl / 1000} mL reservoir: do not overfill (S13).`
                : 'At most the reservoir volume: do not overfill (S13).'
            }
          >
            {(p) => (
              <input
                {...p}
                type="number"
                inputMode="decimal"
                min={0}
                max={100}
                step={0.1}
                value={fill.volumeMl}
                onChange={(e) => setFill({ ...fill, volumeMl: e.target.value })}
                required
              />
            )}
          </Field>
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
              <input
                {...p}
                type="date"
                value={fill.drugExpiresOn}
                onChange={(e) => setFill({ ...fill, drugExpiresOn: e.target.value })}
              />
            )}
          </Field>
        </div>
        {dailyMl > 0 && Number.isFinite(dailyMl) && (
          <p className="notice small newpt-preview" aria-live="polite">
            Daily volume {round(dailyMl)} mL/day
            {Number.isFinite(daysToAlarm) && daysToAlarm > 0
              ? `; about ${Math.floor(daysToAlarm)} days from the fill to the ${alarm} mL alarm volume, before the clinic’s buffer.`
              : '.'}{' '}
            The exact due date is computed when you save.
          </p>
        )}
      </fieldset>

      {error && (
        <p role="alert" className="notice danger">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Add patient and pump'}
        </button>
      </div>
    </form>
  );
}

function doseMcgPerDayDisplay(mcgPerDay: number, unit: 'mcg' | 'mg'): number {
  return round(unit === 'mg' ? mcgPerDay / 1000 : mcgPerDay);
}

/** The daily dose of flex steps in the drug's unit (each step runs until the next, wrapping at midnight). */
function flexDailyMcg(steps: Step[]): number {
  const minutes = steps.map((st) => Number(st.start.slice(0, 2)) * 60 + Number(st.start.slice(3, 5)));
  return steps.reduce((sum, st, i) => {
    const next = i + 1 < steps.length ? minutes[i + 1]! : 1440 + minutes[0]!;
    return sum + (Number(st.dose) * (next - minutes[i]!)) / 60;
  }, 0);
}
