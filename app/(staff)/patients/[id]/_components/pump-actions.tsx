'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { DrugOption } from '@/db/queries/refills';
import { ApiError } from '@/lib/query/client';
import { replacePump, updatePump, type ProgramDto } from '@/lib/query/patients';
import { refetchAfter } from '@/lib/query/keys';
import type { z } from 'zod';
import type * as PatientChecks from '@/lib/validation/patient';
import { fieldErrors } from '@/lib/validation/errors';
import { CHECKS_UNAVAILABLE, lazyModule, useLazyChecks } from '@/app/(staff)/_components/lazy-checks';
import { Field } from '@/app/(staff)/_components/field';
import { numberField, parseNumber } from './labels';
import { draftFromProgram, programInput, ProgramEditor, type ProgramDraft } from './program-editor';
import { DateInput } from '@/app/(staff)/_components/date-time-inputs';

/** The three forms' checks, fetched when one of them is opened (./lazy-checks.ts). */
const checks = lazyModule(() => import('@/lib/validation/patient'));

/**
 * A form's submit through its lazily loaded schema: `check(pick, body, send)` parses `body` with the schema `pick`
 * chooses, shows each field's error or sends what was parsed; if the checks cannot be fetched, says so.
 */
function usePumpChecks(setLocal: (errors: Record<string, string>) => void) {
  const loadChecks = useLazyChecks(checks);
  return <S extends z.ZodType>(
    pick: (m: typeof PatientChecks) => S,
    body: unknown,
    send: (data: z.output<S>) => void,
  ) =>
    loadChecks().then(
      (m) => {
        const parsed = pick(m).safeParse(body);
        if (!parsed.success) return setLocal(fieldErrors(parsed.error));
        setLocal({});
        send(parsed.data);
      },
      () => setLocal({ '(body)': CHECKS_UNAVAILABLE }),
    );
}

export interface ModelOption {
  id: number;
  label: string;
  kind: 'programmable' | 'constant-flow';
  reservoirMl: number | null;
  defaultAlarmMl: number | null;
}

interface Props {
  patientId: number;
  pump: {
    id: number;
    version: number;
    serial: string;
    implantedOn: string;
    alarmMl: number;
    reservoirMl: number;
    catheterVolumeMl: number | null;
    eriRecordedOn: string | null;
    modelId: number;
  };
  program: ProgramDto | null;
  models: ModelOption[];
  drugs: DrugOption[];
  today: string;
}

type Panel = 'settings' | 'explant' | 'replace' | null;

function useInvalidate(patientId: number) {
  const queryClient = useQueryClient();
  const router = useRouter();
  return async () => {
    // An explant or replacement cancels or moves the pump's appointments.
    await refetchAfter(queryClient, { patientId }, 'schedule');
    router.refresh();
  };
}

/** Pump settings, explant and replacement, each opened on demand so the page stays short on a tablet. */
export function PumpActions(props: Props) {
  const [panel, setPanel] = useState<Panel>(null);
  return (
    <div className="stack">
      <div className="pt-buttons">
        <button
          type="button"
          className="secondary"
          aria-expanded={panel === 'settings'}
          onClick={() => setPanel(panel === 'settings' ? null : 'settings')}
        >
          Pump settings
        </button>
        <button
          type="button"
          className="secondary"
          aria-expanded={panel === 'explant'}
          onClick={() => setPanel(panel === 'explant' ? null : 'explant')}
        >
          Explant pump
        </button>
        <button
          type="button"
          className="secondary"
          aria-expanded={panel === 'replace'}
          onClick={() => setPanel(panel === 'replace' ? null : 'replace')}
        >
          Replace pump
        </button>
      </div>
      {panel === 'settings' && <SettingsForm {...props} onDone={() => setPanel(null)} />}
      {panel === 'explant' && <ExplantForm {...props} onDone={() => setPanel(null)} />}
      {panel === 'replace' && <ReplaceForm {...props} onDone={() => setPanel(null)} />}
    </div>
  );
}

function ErrorNotice({ error, fields }: { error: Error | null; fields: Record<string, string> }) {
  if (!error && Object.keys(fields).length === 0) return null;
  return (
    <p role="alert" className="notice danger">
      {error?.message ?? fields['(body)'] ?? 'Not saved: please correct the fields marked in red.'}
    </p>
  );
}

function SettingsForm({ patientId, pump, onDone }: Props & { onDone: () => void }) {
  const done = useInvalidate(patientId);
  const [alarm, setAlarm] = useState(numberField(pump.alarmMl));
  const [catheter, setCatheter] = useState(numberField(pump.catheterVolumeMl));
  const [eri, setEri] = useState(pump.eriRecordedOn ?? '');
  const [local, setLocal] = useState<Record<string, string>>({});
  const check = usePumpChecks(setLocal);
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof updatePump>[1]) => updatePump(pump.id, body),
    onSuccess: async () => {
      onDone();
      await done();
    },
  });
  const errors = { ...(mutation.error instanceof ApiError ? mutation.error.fields : {}), ...local };
  return (
    <form
      className="stack pt-panel"
      aria-label="Pump settings"
      onSubmit={(e) => {
        e.preventDefault();
        const body: Record<string, unknown> = { version: pump.version };
        if (parseNumber(alarm) !== pump.alarmMl) body.alarmMl = parseNumber(alarm);
        const cath = catheter.trim() === '' ? null : parseNumber(catheter);
        if (cath !== pump.catheterVolumeMl) body.catheterVolumeMl = cath;
        if ((eri || null) !== pump.eriRecordedOn) body.eriRecordedOn = eri || null;
        void check(
          (c) => c.updatePumpSchema,
          body,
          (data) => mutation.mutate(data),
        );
      }}
    >
      <div className="grid-2">
        <Field label="Low-reservoir alarm volume (mL)" error={errors.alarmMl}>
          {(p) => (
            <input {...p} inputMode="decimal" value={alarm} onChange={(e) => setAlarm(e.target.value)} />
          )}
        </Field>
        <Field label="Catheter volume (mL, for bridge boluses)" error={errors.catheterVolumeMl}>
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              value={catheter}
              onChange={(e) => setCatheter(e.target.value)}
            />
          )}
        </Field>
        <Field label="Elective replacement indicator (ERI) seen on" error={errors.eriRecordedOn}>
          {(p) => <DateInput {...p} label="ERI seen on" value={eri} onChange={setEri} />}
        </Field>
      </div>
      <p className="small muted">
        Some patients feel withdrawal above 2 mL; a 4 mL alarm is used for them (reference S32).
      </p>
      <ErrorNotice error={mutation.error} fields={local} />
      <div className="pt-buttons">
        <button type="submit" disabled={mutation.isPending}>
          Save pump settings
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ExplantForm({ patientId, pump, today, onDone }: Props & { onDone: () => void }) {
  const done = useInvalidate(patientId);
  const [on, setOn] = useState(today);
  const [reason, setReason] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const check = usePumpChecks(setLocal);
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof updatePump>[1]) => updatePump(pump.id, body),
    onSuccess: async () => {
      onDone();
      await done();
    },
  });
  const errors = { ...(mutation.error instanceof ApiError ? mutation.error.fields : {}), ...local };
  return (
    <form
      className="stack pt-panel"
      aria-label="Explant pump"
      onSubmit={(e) => {
        e.preventDefault();
        void check(
          (c) => c.updatePumpSchema,
          { version: pump.version, explantedOn: on, reason },
          (data) => mutation.mutate(data),
        );
      }}
    >
      <p className="notice warn">
        Explanting pump {pump.serial} removes it from the worklist and cancels its booked appointments. To
        implant a new pump at the same time, use <strong>Replace pump</strong>.
      </p>
      <div className="grid-2">
        <Field label="Explanted on" error={errors.explantedOn}>
          {(p) => <DateInput {...p} label="Explanted on" value={on} max={today} onChange={setOn} />}
        </Field>
        <Field label="Reason" error={errors.reason}>
          {(p) => <input {...p} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />}
        </Field>
      </div>
      <label className="inline">
        <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} /> I confirm
        pump {pump.serial} was explanted
      </label>
      <ErrorNotice error={mutation.error} fields={local} />
      <div className="pt-buttons">
        <button type="submit" className="danger" disabled={!confirm || mutation.isPending}>
          Explant pump
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ReplaceForm({
  patientId,
  pump,
  program,
  models,
  drugs,
  today,
  onDone,
}: Props & { onDone: () => void }) {
  const done = useInvalidate(patientId);
  const current = models.find((m) => m.id === pump.modelId) ?? models[0]!;
  const [modelId, setModelId] = useState(current.id);
  const model = models.find((m) => m.id === modelId) ?? current;
  const [serial, setSerial] = useState('');
  const [implantedOn, setImplantedOn] = useState(today);
  const [alarm, setAlarm] = useState(numberField(model.defaultAlarmMl ?? pump.alarmMl));
  const [reservoir, setReservoir] = useState(numberField(model.reservoirMl));
  const [flow, setFlow] = useState('');
  const [fill, setFill] = useState(numberField(model.reservoirMl));
  const [lot, setLot] = useState('');
  const [expires, setExpires] = useState('');
  const [reason, setReason] = useState('');
  const [draft, setDraft] = useState<ProgramDraft>(() =>
    program
      ? draftFromProgram(program)
      : {
          drugId: drugs[0]!.id,
          concentration: '',
          mode: 'simple',
          dose: '',
          steps: [{ start: '00:00', dose: '' }],
          boluses: [],
          patientBolus: null,
        },
  );
  const [local, setLocal] = useState<Record<string, string>>({});
  const check = usePumpChecks(setLocal);
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof replacePump>[1]) => replacePump(pump.id, body),
    onSuccess: async () => {
      onDone();
      await done();
    },
  });
  const errors = { ...(mutation.error instanceof ApiError ? mutation.error.fields : {}), ...local };
  const optional = (text: string) => (text.trim() === '' ? null : parseNumber(text));

  return (
    <form
      className="stack pt-panel"
      aria-label="Replace pump"
      onSubmit={(e) => {
        e.preventDefault();
        const body = {
          version: pump.version,
          explantedOn: implantedOn,
          reason,
          newPump: {
            modelId,
            serial,
            implantedOn,
            alarmMl: optional(alarm),
            reservoirMl: optional(reservoir),
            flowMlPerDay: model.kind === 'constant-flow' ? optional(flow) : null,
            catheterVolumeMl: null,
          },
          initialFill: { volumeMl: parseNumber(fill), drugLot: lot, drugExpiresOn: expires },
          program: programInput(
            draft.mode === 'constant-flow' && model.kind !== 'constant-flow'
              ? { ...draft, mode: 'simple' }
              : draft,
            drugs,
          ),
        };
        void check(
          (c) => c.replacePumpSchema,
          body,
          (data) => mutation.mutate(data),
        );
      }}
    >
      <p className="notice">
        Explants pump {pump.serial} and records the new pump, its first program and its initial fill in one
        step. Booked refills move to the new pump.
      </p>
      <h4 className="pt-subhead">New pump</h4>
      <div className="grid-2">
        <Field label="Model" error={errors['newPump.modelId']}>
          {(p) => (
            <select
              {...p}
              value={modelId}
              onChange={(e) => {
                const next = models.find((m) => m.id === Number(e.target.value))!;
                setModelId(next.id);
                setAlarm(numberField(next.defaultAlarmMl));
                setReservoir(numberField(next.reservoirMl));
                setFill(numberField(next.reservoirMl));
                setDraft((d) => ({
                  ...d,
                  mode:
                    next.kind === 'constant-flow'
                      ? 'constant-flow'
                      : d.mode === 'constant-flow'
                        ? 'simple'
                        : d.mode,
                }));
              }}
            >
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Serial number" error={errors['newPump.serial']}>
          {(p) => <input {...p} value={serial} maxLength={60} onChange={(e) => setSerial(e.target.value)} />}
        </Field>
        <Field
          label="Replaced on (explant and implant)"
          error={errors['newPump.implantedOn'] ?? errors.explantedOn}
        >
          {(p) => (
            <DateInput {...p} label="Replaced on" value={implantedOn} max={today} onChange={setImplantedOn} />
          )}
        </Field>
        <Field label="Reservoir (mL)" error={errors['newPump.reservoirMl']}>
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              value={reservoir}
              onChange={(e) => setReservoir(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={`Alarm volume (mL${model.defaultAlarmMl != null ? `, model default ${model.defaultAlarmMl}` : ', no model default'})`}
          error={errors['newPump.alarmMl']}
        >
          {(p) => (
            <input {...p} inputMode="decimal" value={alarm} onChange={(e) => setAlarm(e.target.value)} />
          )}
        </Field>
        {model.kind === 'constant-flow' && (
          <Field label="Flow rate (mL/day)" error={errors['newPump.flowMlPerDay']}>
            {(p) => (
              <input {...p} inputMode="decimal" value={flow} onChange={(e) => setFlow(e.target.value)} />
            )}
          </Field>
        )}
        <Field label="Reason for the replacement" error={errors.reason}>
          {(p) => <input {...p} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />}
        </Field>
      </div>
      <h4 className="pt-subhead">Initial fill</h4>
      <div className="grid-2">
        <Field label="Volume filled (mL)" error={errors['initialFill.volumeMl']}>
          {(p) => <input {...p} inputMode="decimal" value={fill} onChange={(e) => setFill(e.target.value)} />}
        </Field>
        <Field label="Drug lot" error={errors['initialFill.drugLot']}>
          {(p) => <input {...p} value={lot} maxLength={40} onChange={(e) => setLot(e.target.value)} />}
        </Field>
        <Field label="Drug expires on" error={errors['initialFill.drugExpiresOn']}>
          {(p) => <DateInput {...p} label="Drug expires on" value={expires} onChange={setExpires} />}
        </Field>
      </div>
      <h4 className="pt-subhead">Program of the new pump</h4>
      <ProgramEditor
        value={draft}
        onChange={setDraft}
        drugs={drugs}
        pumpKind={model.kind}
        flowMlPerDay={optional(flow)}
        errors={errors}
        prefix="program."
      />
      <ErrorNotice error={mutation.error} fields={local} />
      <div className="pt-buttons">
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Explant and implant the new pump'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
