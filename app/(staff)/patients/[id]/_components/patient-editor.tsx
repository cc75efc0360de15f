'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { ApiError } from '@/lib/query/client';
import { updatePatient } from '@/lib/query/patients';
import { refetchAfter } from '@/lib/query/keys';
import type { UpdatePatientInput } from '@/lib/validation/patient';
import { fieldErrors } from '@/lib/validation/errors';
import { CHECKS_UNAVAILABLE, lazyModule, useLazyChecks } from '@/app/(staff)/_components/lazy-checks';

const checks = lazyModule(() => import('@/lib/validation/patient'));
import { riskFlagLabels, type RiskFlags } from '@/lib/domain/risk';
import type { NameOrder, SpasticityOrigin } from '@/lib/domain/vocabulary';
import { fullName } from '@/lib/domain/names';
import { Field } from '@/app/(staff)/_components/field';
import { DateInput } from '@/app/(staff)/_components/date-time-inputs';

export interface EditablePatient {
  id: number;
  version: number;
  mrn: string;
  givenName: string;
  familyName: string;
  nameOrder: NameOrder;
  dateOfBirth: string;
  spasticityOrigin: SpasticityOrigin;
  phone: string;
  address: string;
  caregiverName: string;
  caregiverPhone: string;
  riskInjuryT6OrAbove: boolean;
  riskCommunication: boolean;
  riskPriorWithdrawal: boolean;
  riskHearingImpaired: boolean;
  backupOralPlan: string;
  allergies: string;
  managingPhysicianId: string | null;
  notes: string;
}

const flags = Object.entries(riskFlagLabels) as [keyof RiskFlags, string][];

const texts = [
  ['phone', 'Phone', 40],
  ['address', 'Address', 300],
  ['caregiverName', 'Caregiver name', 120],
  ['caregiverPhone', 'Caregiver phone', 40],
] as const;

/**
 * Correct the identity (MRN, names, name order, date of birth, spasticity origin), edit contacts, risk flags, the
 * backup oral plan and the managing physician: one PATCH with the version read, so a stale draft is refused (409).
 */
export function PatientEditor({
  patient,
  physicians,
}: {
  patient: EditablePatient;
  physicians: { id: string; name: string }[];
}) {
  const id = useId();

  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(patient);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (input: UpdatePatientInput) => updatePatient(patient.id, input),
    // The page's card panel (a server component) then says "Card outdated: reprint" after an identity change.
    onSuccess: async () => {
      setOpen(false);
      await refetchAfter(queryClient, { patientId: patient.id });
      router.refresh();
    },
  });
  const errors = { ...(mutation.error instanceof ApiError ? mutation.error.fields : {}), ...localErrors };
  const conflict = mutation.error instanceof ApiError && mutation.error.status === 409;
  const loadChecks = useLazyChecks(checks, open);

  if (!open)
    return (
      <button
        type="button"
        className="secondary small"
        onClick={() => {
          setDraft(patient);
          mutation.reset();
          setOpen(true);
        }}
      >
        Edit details and risk flags
      </button>
    );

  const set = <K extends keyof EditablePatient>(key: K, value: EditablePatient[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const err = (key: string) =>
    errors[key] ? (
      <span id={`${id}-${key}-err`} className="field-error">
        {errors[key]}
      </span>
    ) : null;
  const describedBy = (key: string) => (errors[key] ? `${id}-${key}-err` : undefined);

  return (
    <form
      className="stack pt-editor"
      aria-label="Edit patient details"
      onSubmit={(e) => {
        e.preventDefault();
        const changed: Record<string, unknown> = { version: patient.version };
        for (const key of Object.keys(draft) as (keyof EditablePatient)[]) {
          if (key !== 'id' && key !== 'version' && draft[key] !== patient[key]) changed[key] = draft[key];
        }
        if (Object.keys(changed).length === 1) {
          setOpen(false);
          return;
        }
        loadChecks().then(
          ({ updatePatientSchema }) => {
            const parsed = updatePatientSchema.safeParse(changed);
            if (!parsed.success) return setLocalErrors(fieldErrors(parsed.error));
            setLocalErrors({});
            mutation.mutate(parsed.data);
          },
          () => setLocalErrors({ '(body)': CHECKS_UNAVAILABLE }),
        );
      }}
    >
      <fieldset className="pt-fieldset">
        <legend>Identity</legend>
        <p className="muted small">
          Corrections are audited with the old and the new value. A changed name, date of birth or MRN makes the
          printed emergency card outdated.
        </p>
        <div className="grid-2">
          {(
            [
              ['givenName', 'Given name', 80],
              ['familyName', 'Family name', 80],
              ['mrn', 'MRN', 32],
            ] as const
          ).map(([key, label, max]) => (
            <Field key={key} label={label} error={errors[key]}>
              {(p) => (
                <input
                  {...p}
                  value={draft[key]}
                  maxLength={max}
                  autoComplete="off"
                  onChange={(e) => set(key, e.target.value)}
                />
              )}
            </Field>
          ))}
          <Field label="Name written" error={errors.nameOrder} help={`Prints as “${fullName(draft)}”.`}>
            {(p) => (
              <select {...p} value={draft.nameOrder} onChange={(e) => set('nameOrder', e.target.value as NameOrder)}>
                <option value="given-first">Given name first</option>
                <option value="family-first">Family name first</option>
              </select>
            )}
          </Field>
          <Field label="Date of birth" error={errors.dateOfBirth}>
            {(p) => (
              <DateInput {...p} label="Date of birth" value={draft.dateOfBirth} onChange={(v) => set('dateOfBirth', v)} />
            )}
          </Field>
          <Field label="Spasticity origin" error={errors.spasticityOrigin}>
            {(p) => (
              <select
                {...p}
                value={draft.spasticityOrigin}
                onChange={(e) => set('spasticityOrigin', e.target.value as SpasticityOrigin)}
              >
                <option value="spinal">Spinal</option>
                <option value="cerebral">Cerebral</option>
                <option value="other">Other / pain</option>
              </select>
            )}
          </Field>
        </div>
      </fieldset>
      <fieldset className="pt-fieldset">
        <legend>Risk flags</legend>
        {flags.map(([key, label]) => (
          <label key={key} className="inline">
            <input type="checkbox" checked={draft[key]} onChange={(e) => set(key, e.target.checked)} />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <div className="grid-2">
        {texts.map(([key, label, max]) => (
          <label key={key}>
            {label}
            <input
              value={draft[key]}
              maxLength={max}
              onChange={(e) => set(key, e.target.value)}
              aria-invalid={errors[key] ? true : undefined}
              aria-describedby={describedBy(key)}
            />
            {err(key)}
          </label>
        ))}
        <label>
          Managing physician
          <select
            value={draft.managingPhysicianId ?? ''}
            onChange={(e) => set('managingPhysicianId', e.target.value || null)}
            aria-describedby={describedBy('managingPhysicianId')}
          >
            <option value="">None</option>
            {physicians.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          {err('managingPhysicianId')}
        </label>
      </div>
      <label>
        Backup oral baclofen plan
        <textarea
          rows={2}
          value={draft.backupOralPlan}
          maxLength={1000}
          onChange={(e) => set('backupOralPlan', e.target.value)}
          aria-describedby={describedBy('backupOralPlan')}
        />
        {err('backupOralPlan')}
      </label>
      <label>
        Allergies
        <input
          value={draft.allergies}
          maxLength={500}
          onChange={(e) => set('allergies', e.target.value)}
          aria-describedby={describedBy('allergies')}
        />
        {err('allergies')}
      </label>
      <label>
        Notes
        <textarea
          rows={2}
          value={draft.notes}
          maxLength={4000}
          onChange={(e) => set('notes', e.target.value)}
          aria-describedby={describedBy('notes')}
        />
        {err('notes')}
      </label>
      {(mutation.error ?? localErrors['(body)']) && (
        <div role="alert" className="notice danger">
          {mutation.error?.message ?? localErrors['(body)']}
          {conflict && (
            <>
              {' '}
              <button type="button" className="secondary small" onClick={() => router.refresh()}>
                Reload the record
              </button>
            </>
          )}
        </div>
      )}
      <div className="pt-buttons">
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save details'}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
