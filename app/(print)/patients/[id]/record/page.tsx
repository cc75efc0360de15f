/**
 * A patient's whole record, printable, for a transfer to another clinic (issue 17, item 3): demographics and risk
 * flags, every pump (model, serial, implant and explant), the current program, the history of programs and
 * refills, appointments and open alerts. Opening it is audited as a read and as an export (lib/clinic/
 * patient-record.ts); the browser prints it to paper or PDF (A4 portrait).
 */
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import type { PatientDetail, ProgramDto, PumpDto } from '@/db/queries/patients';
import { requirePageStaff } from '@/lib/auth/session';
import { capitalised, drugLabel, pumpLabel } from '@/lib/cards/view';
import { transferRecordNote } from '@/lib/cards/wording';
import { clinicActor } from '@/lib/clinic/actor';
import { exportPatientRecord } from '@/lib/clinic/patient-record';
import { requestNow } from '@/lib/clock';
import { fullName, sortableName } from '@/lib/domain/names';
import { NotFoundError } from '@/lib/errors';
import { formatInstant, formatLocalDate, formatMl, statusLabels } from '@/lib/format';
import { appointmentStatusLabels, appointmentTypeLabels } from '@/lib/validation/appointment';
import { parseId } from '@/lib/validation/ids';
import {
  concentrationText,
  doseText,
  flagLabels,
  modeLabels,
  riskFlagsSet,
  severityLabels,
  signedMl,
} from '../../../../(staff)/patients/[id]/_components/labels';
import { PrintPageButton } from '../../../_components/print-page-button';
import styles from './record.module.css';

export const metadata = { title: 'Patient record (transfer)' };

type Props = { params: Promise<{ id: string }> };

function programSummary(p: ProgramDto): string {
  const dose = doseText(p.dailyDoseMcg, p.doseUnit);
  const steps =
    p.mode === 'flex' && p.flexSteps.length
      ? `; steps (pump clock): ${p.flexSteps
          .map((st, i) => `${st.start}–${p.flexSteps[i + 1]?.start ?? '24:00'} ${doseText(st.doseMcgPerHour, p.doseUnit, '/h')}`)
          .join(', ')}`
      : '';
  const boluses = p.periodicBoluses.length
    ? `; timed boluses: ${p.periodicBoluses.map((b) => `${b.at} ${doseText(b.doseMcg, p.doseUnit, '')}`).join(', ')}`
    : '';
  const patientBolus = p.patientBolus
    ? `; patient bolus ${doseText(p.patientBolus.doseMcg, p.doseUnit, '')}, up to ${p.patientBolus.maxPerDay}/day`
    : '';
  return `${dose}${steps}${boluses}${patientBolus}`;
}

export default async function PatientRecordPage({ params }: Props) {
  const { id } = await params;
  const staff = await requirePageStaff('cards:print', `/patients/${id}/record`);
  let patientId: number;
  try {
    patientId = parseId(id, 'patient');
  } catch {
    notFound();
  }
  const db = getDb();
  const now = requestNow();
  let detail: PatientDetail;
  try {
    detail = exportPatientRecord(db, clinicActor(staff), patientId, now);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  recordRead(db, staff, { resource: 'patient', entityId: patientId, patientIds: [patientId], detail: { page: 'record' } });
  const { patient, clinic, pumps } = detail;
  const tz = clinic.timeZone;
  const name = fullName(patient);
  const risks = riskFlagsSet(patient);
  const constantFlow = pumps.some((p) => p.model.kind === 'constant-flow');

  return (
    <main className={styles.screen}>
      <div className={styles.toolbar}>
        <Link href={`/patients/${patient.id}`}>
          ← Back to <bdi>{name}</bdi>
        </Link>
        <PrintPageButton label="Print record" />
        <p>Print or save as PDF (A4). Opening this page is recorded in the audit log as an export of the record.</p>
      </div>

      <article className={styles.sheet} aria-label="Patient record">
        <header>
          <p>
            {clinic.name} · 24/7 {clinic.phone24h}
          </p>
          <h1>
            Patient record for transfer: <bdi>{name}</bdi>
          </h1>
          <p>
            Printed {formatInstant(now, tz)} by {staff.name}.
          </p>
        </header>

        <section aria-labelledby="rec-patient">
          <h2 id="rec-patient">Patient</h2>
          <dl className={styles.facts}>
            <dt>Name</dt>
            <dd dir="auto">
              {name} (family name, given name: {sortableName(patient)})
            </dd>
            <dt>MRN</dt>
            <dd>{patient.mrn}</dd>
            <dt>Date of birth</dt>
            <dd>{formatLocalDate(patient.dateOfBirth)}</dd>
            <dt>Spasticity origin</dt>
            <dd>{patient.spasticityOrigin}</dd>
            <dt>Phone</dt>
            <dd>{patient.phone || '—'}</dd>
            <dt>Address</dt>
            <dd>{patient.address || '—'}</dd>
            <dt>Caregiver</dt>
            <dd>{[patient.caregiverName, patient.caregiverPhone].filter(Boolean).join(', ') || '—'}</dd>
            <dt>Managing physician</dt>
            <dd>{patient.managingPhysician?.name ?? 'None assigned'}</dd>
            <dt>Risk flags</dt>
            <dd>{risks.length ? risks.join('; ') : 'None'}</dd>
            <dt>Backup oral plan</dt>
            <dd>{patient.backupOralPlan || 'None documented'}</dd>
            <dt>Allergies</dt>
            <dd>{patient.allergies || 'None recorded'}</dd>
            {patient.notes && (
              <>
                <dt>Notes</dt>
                <dd>{patient.notes}</dd>
              </>
            )}
          </dl>
        </section>

        {pumps.length === 0 && <p>No pump recorded.</p>}
        {pumps.map((pump) => (
          <PumpRecord key={pump.id} pump={pump} timeZone={tz} />
        ))}

        <p className={styles.foot}>{transferRecordNote(constantFlow)}</p>
      </article>
    </main>
  );
}

function PumpRecord({ pump, timeZone }: { pump: PumpDto; timeZone: string }) {
  const label = pumpLabel(pump.model);
  const at = (ms: number | null | undefined) => formatInstant(ms, timeZone);
  const headingId = `rec-pump-${pump.id}`;
  const f = pump.forecast;
  const program = pump.program;
  return (
    <section className={styles.pump} aria-labelledby={headingId}>
      <h2 id={headingId}>
        Pump: {label} ({pump.status === 'active' ? 'active' : `explanted ${formatLocalDate(pump.explantedOn)}`})
      </h2>
      <dl className={styles.facts}>
        <dt>Model</dt>
        <dd>
          {pump.model.manufacturer} {pump.model.name}, model <span className={styles.nowrap}>{pump.model.modelNumber}</span>
        </dd>
        <dt>Serial</dt>
        <dd>{pump.serial}</dd>
        <dt>Implanted</dt>
        <dd>{formatLocalDate(pump.implantedOn)}</dd>
        {pump.explantedOn && (
          <>
            <dt>Explanted</dt>
            <dd>{formatLocalDate(pump.explantedOn)}</dd>
          </>
        )}
        <dt>Reservoir</dt>
        <dd>
          {formatMl(pump.reservoirMl)}
          {pump.model.kind === 'constant-flow'
            ? `, constant flow ${pump.flowMlPerDay != null ? `${formatMl(pump.flowMlPerDay)}/day` : '(rate not recorded)'}, no alarm`
            : `, low-reservoir alarm at ${formatMl(pump.alarmMl)}`}
        </dd>
        <dt>Catheter volume</dt>
        <dd>{pump.catheterVolumeMl != null ? formatMl(pump.catheterVolumeMl) : 'not recorded'}</dd>
        {pump.eriRecordedOn && (
          <>
            <dt>Battery ERI</dt>
            <dd>recorded {formatLocalDate(pump.eriRecordedOn)}</dd>
          </>
        )}
      </dl>

      <h3>Current program</h3>
      {program ? (
        <dl className={styles.facts}>
          <dt>Drug</dt>
          <dd>{drugLabel(capitalised(program.drugName), program.drugProduct)}</dd>
          <dt>Concentration</dt>
          <dd>{concentrationText(program.concentrationMcgPerMl, program.doseUnit)}</dd>
          <dt>Mode</dt>
          <dd>{modeLabels[program.mode]}</dd>
          <dt>Dose</dt>
          <dd>{programSummary(program)}</dd>
          <dt>In effect since</dt>
          <dd>
            {at(program.effectiveAt)} (version {program.versionNo}
            {program.prescriberName ? `, ordered by ${program.prescriberName}` : ''}
            {program.verifiedByName ? `, verified by ${program.verifiedByName}` : ''})
          </dd>
        </dl>
      ) : (
        <p>No active program.</p>
      )}
      {f && (
        <dl className={styles.facts}>
          <dt>Status</dt>
          <dd>{statusLabels[f.status]}</dd>
          <dt>Last refill</dt>
          <dd>
            {at(f.lastRefillAt)}, {formatMl(f.lastRefillVolumeMl)} filled
          </dd>
          <dt>Next refill due</dt>
          <dd>{formatLocalDate(f.refillDueOn)}</dd>
          <dt>{pump.model.kind === 'constant-flow' ? 'Reserve reached' : 'Low-reservoir alarm'}</dt>
          <dd>{at(f.lowReservoirAlarmAt)}</dd>
          <dt>Estimated empty</dt>
          <dd>{at(f.emptyAt)}</dd>
          <dt>Next appointment</dt>
          <dd>{f.nextAppointmentAt != null ? at(f.nextAppointmentAt) : 'none booked'}</dd>
        </dl>
      )}

      <h3>Open alerts</h3>
      {f && f.alerts.length > 0 ? (
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">Alert</th>
              <th scope="col">Severity</th>
              <th scope="col">What</th>
              <th scope="col">Acknowledged</th>
            </tr>
          </thead>
          <tbody>
            {f.alerts.map((a) => (
              <tr key={a.code}>
                <td>{a.code}</td>
                <td>{severityLabels[a.severity]}</td>
                <td>{a.message}</td>
                <td>
                  {a.cover
                    ? `${a.cover.action === 'snooze' ? 'Snoozed' : 'Acknowledged'}${a.cover.byName ? ` by ${a.cover.byName}` : ''}: ${a.cover.reason}`
                    : 'No'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>None.</p>
      )}

      <h3>Program history</h3>
      <table className={styles.table}>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">From</th>
            <th scope="col">Until</th>
            <th scope="col">Drug, concentration</th>
            <th scope="col">Mode, dose</th>
            <th scope="col">Reason, ordered by</th>
          </tr>
        </thead>
        <tbody>
          {pump.programHistory.map((p) => (
            <tr key={p.id}>
              <td>{p.versionNo}</td>
              <td>{at(p.effectiveAt)}</td>
              <td>{p.supersededAt != null ? at(p.supersededAt) : 'current'}</td>
              <td>
                {drugLabel(capitalised(p.drugName), p.drugProduct)}, {concentrationText(p.concentrationMcgPerMl, p.doseUnit)}
              </td>
              <td>
                {modeLabels[p.mode]}: {programSummary(p)}
              </td>
              <td>
                {p.reason || '—'}
                {p.prescriberName ? ` (${p.prescriberName})` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Refills</h3>
      {pump.visits.length > 0 ? (
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Visit</th>
              <th scope="col">Residual expected / aspirated</th>
              <th scope="col">Discrepancy</th>
              <th scope="col">Fill: volume, drug and lot</th>
              <th scope="col">By, verified by</th>
            </tr>
          </thead>
          <tbody>
            {pump.visits.map((v) => (
              <tr key={v.id}>
                <td>{at(v.performedAt)}</td>
                <td>{v.kind === 'initial-fill' ? 'Initial fill' : 'Refill'}</td>
                <td>
                  {v.expectedResidualMl != null ? formatMl(v.expectedResidualMl) : '—'} /{' '}
                  {v.aspiratedResidualMl != null ? formatMl(v.aspiratedResidualMl) : '—'}
                </td>
                <td>
                  {signedMl(v.discrepancyMl)}
                  {v.discrepancyFlag ? ` (${flagLabels[v.discrepancyFlag]})` : ''}
                </td>
                <td>
                  {formatMl(v.volumeFilledMl)} {v.drugProduct}, {concentrationText(v.concentrationMcgPerMl, v.doseUnit)}, lot{' '}
                  {v.drugLot || '—'}
                  {v.bridgeBolusGiven ? `; bridge bolus${v.bridgeBolusNote ? `: ${v.bridgeBolusNote}` : ''}` : ''}
                </td>
                <td>
                  {v.performedByName}, {v.verifiedByName}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No refill recorded.</p>
      )}

      <h3>Appointments</h3>
      {pump.appointments.length > 0 ? (
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {pump.appointments.map((a) => (
              <tr key={a.id}>
                <td>{at(a.startsAt)}</td>
                <td>{appointmentTypeLabels[a.type]}</td>
                <td>{appointmentStatusLabels[a.status]}</td>
                <td>{a.notes || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No appointment recorded.</p>
      )}
    </section>
  );
}
