'use client';

import { Field } from '@/app/(staff)/_components/field';
import { DateInput } from '@/app/(staff)/_components/date-time-inputs';
import type { NewPatientOptions } from '@/db/queries/patient-lookup';
import { fullName } from '@/lib/domain/names';
import type { NameOrder } from '@/lib/domain/vocabulary';
import type { PatientDraft } from './new-patient-draft';

interface Props {
  patient: PatientDraft;
  setPatient: (next: PatientDraft) => void;
  physicians: NewPatientOptions['physicians'];
  today: string;
  /** The error of a field, by its API path. */
  f: (path: string) => string | undefined;
  disabled: boolean;
}

/** 1. Who the patient is, their risk flags (E13) and what is printed on their emergency card. */
export function PatientSection({ patient, setPatient, physicians, today, f, disabled }: Props) {
  return (
    <fieldset className="sched-fieldset newpt-section" disabled={disabled}>
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
        <Field
          label="Name written"
          error={f('patient.nameOrder')}
          help={
            patient.givenName || patient.familyName
              ? `Prints as “${fullName(patient)}” on the card, the letter and every print.`
              : 'The order of the patient’s own name, e.g. family name first for Chinese, Japanese, Korean or Hungarian names.'
          }
        >
          {(p) => (
            <select
              {...p}
              value={patient.nameOrder}
              onChange={(e) => setPatient({ ...patient, nameOrder: e.target.value as NameOrder })}
            >
              <option value="given-first">Given name first</option>
              <option value="family-first">Family name first</option>
            </select>
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
            <DateInput
              {...p}
              label="Date of birth"
              max={today}
              value={patient.dateOfBirth}
              onChange={(v) => setPatient({ ...patient, dateOfBirth: v })}
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
              {physicians.map((ph) => (
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
          Spinal cord injury at T6 or above, communication difficulty and prior withdrawal raise the severity
          of overdue alerts (boxed warning, reference.md E13).
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
  );
}
