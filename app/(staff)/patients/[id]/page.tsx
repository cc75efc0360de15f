import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db';
import { catalogOptions } from '@/db/queries/drugs';
import { verifierOptions } from '@/db/queries/dtos';
import { patientForScheduling, readsClinicalRecord } from '@/db/queries/front-desk';
import { patientDetail, recordPatientView, type PumpDto } from '@/db/queries/patients';
import { localDateTimeToInstant } from '@/lib/domain/calendar';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff, type Staff } from '@/lib/auth/session';
import { NotFoundError, ReadAuditRefusedError } from '@/lib/errors';
import { ReadRefused } from '@/app/_components/read-refused';
import { alarmVolumeLabel, formatConcentration, formatInstant, formatLocalDate, formatMl, formatMlPerDay, statusLabels } from '@/lib/format';
import { requestNow } from '@/lib/clock';
import { makeQueryClient } from '@/lib/query/client';
import { alertsOfRecord, patientAlertsQuery } from '@/lib/query/patients';
import { parseId } from '@/lib/validation/ids';
import { AlertList } from './_components/alert-list';
import { PastAppointmentList, splitAppointments, UpcomingAppointmentList } from './_components/appointment-lists';
import { CardPanel } from './_components/card-panel';
import { DiscrepancyTrend } from './_components/discrepancy-trend';
import { FeedPanel } from './_components/feed-panel';
import {
  concentrationText,
  doseText,
  flagLabels,
  modeLabels,
  riskFlagsSet,
  signedMl,
  signedPct,
} from './_components/labels';
import { PatientEditor } from './_components/patient-editor';
import { TitrationOfferPanel } from './_components/titration-offer';
import { titrationOffer, type TitrationOffer } from '@/db/queries/titration';
import { PumpActions } from './_components/pump-actions';
import { OutreachPanel } from './_components/outreach-panel';
import { RemindersPanel } from './_components/reminders-panel';
import { SchedulingRecord } from './_components/scheduling-record';
import { VolumeChartFrame } from './_components/volume-chart-frame';
import { isHighRiskPatient } from '@/lib/domain/risk';
import { fullName } from '@/lib/domain/names';
import { capitalised, drugLabel } from '@/lib/cards/view';

export const metadata = { title: 'Patient' };

type Params = Promise<{ id: string }>;

/** Refills shown in the chart's sawtooth: enough cycles to see a trend without squeezing the forecast. */
const CHART_VISITS = 6;
const TREND_VISITS = 8;

function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return (
    (ty ?? 0) -
    (by ?? 0) -
    ((tm ?? 0) < (bm ?? 0) || ((tm ?? 0) === (bm ?? 0) && (td ?? 0) < (bd ?? 0)) ? 1 : 0)
  );
}

export default async function PatientPage({ params }: { params: Params }) {
  const { id } = await params;
  const staff = await requirePageStaff('patients:read', `/patients/${id}`);
  const db = getDb();
  const now = requestNow();
  let detail: ReturnType<typeof patientDetail>;
  try {
    detail = patientDetail(db, staff.clinicId, parseId(id, 'patient'), now);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  try {
    recordPatientView(db, staff, detail.patient.id, now);
  } catch (error) {
    // READ_AUDIT_FAIL_CLOSED and the view cannot be audited: nothing of the record is shown.
    if (error instanceof ReadAuditRefusedError) return <ReadRefused message={error.message} />;
    throw error;
  }
  if (!readsClinicalRecord(staff.role)) {
    // The front desk: the scheduling view, built from the narrowed DTO (db/queries/front-desk.ts), so nothing of
    // the clinical record is rendered or sent to the browser.
    return (
      <div className="stack pt-page">
        <SchedulingRecord detail={patientForScheduling(detail)} canBook={can(staff.role, 'appointments:write')} />
        <RemindersPanel patientId={detail.patient.id} />
        <OutreachPanel patientId={detail.patient.id} staff={staff} now={now} />
      </div>
    );
  }
  const { patient, clinic, pumps, today } = detail;
  const risks = riskFlagsSet(patient);
  const highRisk = isHighRiskPatient(patient);
  const active = pumps.filter((p) => p.status === 'active');
  const explanted = pumps.filter((p) => p.status === 'explanted');
  const catalog = can(staff.role, 'patients:write') ? catalogOptions(db) : null;
  const physicians = verifierOptions(db, staff.clinicId).filter((u) => u.role === 'physician');
  const name = fullName(patient);
  // After an implant: the clinic's titration visits, proposed until one is booked (issue 18, item 5).
  const titration = new Map<number, TitrationOffer>();
  if (can(staff.role, 'appointments:write'))
    for (const pump of active) {
      const offer = titrationOffer(db, staff.clinicId, pump.id, now);
      if (offer) titration.set(pump.id, offer);
    }
  // The pumps' alerts, for the pump sections' client parts (the alert lists): only what they read, so the record
  // reaches the browser once, as the rendered page, not again in the dehydrated cache (decision 030).
  const queryClient = makeQueryClient();
  await queryClient.prefetchQuery({ ...patientAlertsQuery(patient.id), queryFn: () => alertsOfRecord(detail) });

  return (
    <div className="stack pt-page">
      <header className="pt-head">
        <div>
          <p className="muted small pt-crumbs">
            <Link prefetch={false} href="/">Worklist</Link> / Patient
          </p>
          <h1 dir="auto">{name}</h1>
          <p className="muted">
            MRN {patient.mrn} · born {formatLocalDate(patient.dateOfBirth)} (
            {ageOn(patient.dateOfBirth, today)} y) · {patient.spasticityOrigin} origin
          </p>
        </div>
        <div className="pt-buttons">
          {can(staff.role, 'cards:print') && (
            // No prefetch: opening the record is audited as an export, so only a click may open it.
            <Link className="button secondary" href={`/patients/${patient.id}/record`} prefetch={false}>
              Print record (transfer)
            </Link>
          )}
          {active.length === 1 && can(staff.role, 'refills:write') && (
            <Link prefetch={false} className="button" href={`/patients/${patient.id}/refill`}>
              Record refill
            </Link>
          )}
          {active.length === 1 && can(staff.role, 'programs:write') && (
            <Link prefetch={false} className="button secondary" href={`/patients/${patient.id}/program`}>
              Change program
            </Link>
          )}
        </div>
      </header>

      {risks.length > 0 && (
        <section className={`notice ${highRisk ? 'danger' : 'warn'} pt-risk`} aria-labelledby="risk-heading">
          {/* "High-risk" is E13 as the engine counts it (lib/domain/risk.ts); hearing impairment alone is a warning. */}
          <h2 id="risk-heading">{highRisk ? 'High-risk patient: watch for withdrawal' : 'Risk to note'}</h2>
          <ul className="flags">
            {risks.map((r) => (
              <li key={r} className="flag pt-flag">
                {r}
              </li>
            ))}
          </ul>
        </section>
      )}

      <div className="pt-grid">
        <section className="card stack" aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          <dl className="facts">
            <dt>Phone</dt>
            <dd>{patient.phone || '—'}</dd>
            <dt>Address</dt>
            <dd>{patient.address || '—'}</dd>
            <dt>Caregiver</dt>
            <dd>
              {patient.caregiverName
                ? `${patient.caregiverName}${patient.caregiverPhone ? `, ${patient.caregiverPhone}` : ''}`
                : '—'}
            </dd>
            <dt>Managing physician</dt>
            <dd>{patient.managingPhysician?.name ?? 'None assigned'}</dd>
            <dt>Backup oral plan</dt>
            <dd>{patient.backupOralPlan || <strong className="error">None documented</strong>}</dd>
            <dt>Allergies</dt>
            <dd>{patient.allergies || '—'}</dd>
            {patient.notes && (
              <>
                <dt>Notes</dt>
                <dd>{patient.notes}</dd>
              </>
            )}
          </dl>
          {can(staff.role, 'patients:write') && (
            // Keyed by version: once the record changed (someone else's save, then "Reload"), a draft of the old one
            // is dropped, so unchanged fields in it can never revert the other person's edits.
            <PatientEditor
              key={patient.version}
              patient={{
                id: patient.id,
                version: patient.version,
                mrn: patient.mrn,
                givenName: patient.givenName,
                familyName: patient.familyName,
                nameOrder: patient.nameOrder,
                dateOfBirth: patient.dateOfBirth,
                spasticityOrigin: patient.spasticityOrigin,
                phone: patient.phone,
                address: patient.address,
                caregiverName: patient.caregiverName,
                caregiverPhone: patient.caregiverPhone,
                riskInjuryT6OrAbove: patient.riskInjuryT6OrAbove,
                riskCommunication: patient.riskCommunication,
                riskPriorWithdrawal: patient.riskPriorWithdrawal,
                riskHearingImpaired: patient.riskHearingImpaired,
                backupOralPlan: patient.backupOralPlan,
                allergies: patient.allergies,
                managingPhysicianId: patient.managingPhysician?.id ?? null,
                notes: patient.notes,
              }}
              physicians={physicians}
            />
          )}
        </section>
        <FeedPanel patientId={patient.id} />
      </div>
      <RemindersPanel patientId={patient.id} />
      <OutreachPanel patientId={patient.id} staff={staff} now={now} />

      {active.length === 0 && <p className="notice warn">This patient has no active pump.</p>}
      <HydrationBoundary state={dehydrate(queryClient)}>
        {active.map((pump) => (
          <PumpSection
            key={pump.id}
            pump={pump}
            patientId={patient.id}
            staff={staff}
            timeZone={clinic.timeZone}
            today={today}
            now={now}
            catalog={catalog}
            multiple={active.length > 1}
            titration={titration.get(pump.id) ?? null}
          />
        ))}
      </HydrationBoundary>

      {explanted.length > 0 && (
        <section className="card" aria-labelledby="explanted-heading">
          <h2 id="explanted-heading">Explanted pumps</h2>
          <ul>
            {explanted.map((p) => (
              <li key={p.id}>
                {p.model.manufacturer} {p.model.name} {p.model.modelNumber}, serial {p.serial}: implanted{' '}
                {formatLocalDate(p.implantedOn)}, explanted {formatLocalDate(p.explantedOn)} (
                {p.visits.length} fills recorded)
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function chartSummary(pump: PumpDto, timeZone: string): string {
  const f = pump.forecast!;
  const unit = pump.program?.doseUnit ?? 'mcg';
  const recent = pump.visits.filter((v) => v.kind === 'refill').slice(0, 3);
  const parts = [
    `About ${formatMl(f.volumeNowMl)} of ${formatMl(pump.reservoirMl)} left now (worst case).`,
    `It falls by ${formatMlPerDay(f.dailyVolumeMl)}${f.worstCaseDailyVolumeMl > f.dailyVolumeMl + 1e-9 ? ` (up to ${formatMlPerDay(f.worstCaseDailyVolumeMl)} with every patient bolus)` : ''}, ${doseText(f.dailyDoseMcg, unit)}.`,
    f.lowReservoirAlarmAt
      ? `The ${formatMl(pump.alarmMl)} ${pump.model.kind === 'constant-flow' ? 'reserve (no alarm sounds)' : 'alarm volume'} is reached ${formatInstant(f.lowReservoirAlarmAt, timeZone)}`
      : 'The alarm volume is not reached within five years',
    f.emptyAt ? `and the reservoir is empty ${formatInstant(f.emptyAt, timeZone)}.` : '.',
    `Refill due by ${formatLocalDate(f.refillDueOn)}; drug stability ends ${formatLocalDate(f.stabilityExpiresOn)}.`,
  ];
  if (recent.length)
    parts.push(
      `Last refills found ${recent.map((v) => `${formatMl(v.aspiratedResidualMl)} (expected ${formatMl(v.expectedResidualMl)})`).join(', ')}.`,
    );
  return parts.join(' ');
}

function PumpSection({
  pump,
  patientId,
  staff,
  timeZone,
  today,
  now,
  catalog,
  multiple,
  titration,
}: {
  pump: PumpDto;
  patientId: number;
  staff: Staff;
  timeZone: string;
  today: string;
  now: number;
  catalog: ReturnType<typeof catalogOptions> | null;
  multiple: boolean;
  titration: TitrationOffer | null;
}) {
  const f = pump.forecast;
  const program = pump.program;
  const unit = program?.doseUnit ?? 'mcg';
  const headingId = `pump-${pump.id}`;
  const { upcoming, past } = splitAppointments(pump.appointments, now);
  const refills = pump.visits.filter((v) => v.discrepancyMl != null);
  const chartVisits = pump.visits.slice(0, CHART_VISITS).map((v) => ({
    at: v.performedAt,
    beforeMl: v.kind === 'initial-fill' ? 0 : (v.aspiratedResidualMl ?? v.expectedResidualMl ?? 0),
    afterMl: v.reservoirAfterMl,
  }));
  const query = multiple ? `?pump=${pump.id}` : '';

  return (
    <section className="stack pt-pump" aria-labelledby={headingId}>
      <div className="pt-pump-head">
        <h2 id={headingId}>
          Pump: {pump.model.name} {pump.model.modelNumber}{' '}
          <span className="muted">· serial {pump.serial}</span>
        </h2>
        {f && <span className={`badge status-${f.status}`}>{statusLabels[f.status]}</span>}
        {multiple && (
          <div className="pt-buttons">
            {can(staff.role, 'refills:write') && (
              <Link prefetch={false} className="button small" href={`/patients/${patientId}/refill${query}`}>
                Record refill for this pump
              </Link>
            )}
            {can(staff.role, 'programs:write') && (
              <Link prefetch={false} className="button secondary small" href={`/patients/${patientId}/program${query}`}>
                Change this pump’s program
              </Link>
            )}
          </div>
        )}
      </div>

      {titration && <TitrationOfferPanel patientId={patientId} offer={titration} timeZone={timeZone} />}

      <div className="pt-grid-3">
        <section className="card" aria-labelledby={`${headingId}-forecast`}>
          <h3 id={`${headingId}-forecast`}>Forecast</h3>
          {f ? (
            <dl className="facts">
              <dt>Volume now</dt>
              <dd>
                <strong>{formatMl(f.volumeNowMl)}</strong> (worst case)
              </dd>
              <dt>Daily volume</dt>
              <dd>{formatMlPerDay(f.dailyVolumeMl)}</dd>
              <dt>Worst case</dt>
              <dd>{formatMlPerDay(f.worstCaseDailyVolumeMl)}</dd>
              <dt>{alarmVolumeLabel(pump.model.kind === 'constant-flow', pump.alarmMl)}</dt>
              <dd>
                {f.lowReservoirAlarmAt
                  ? formatInstant(f.lowReservoirAlarmAt, timeZone)
                  : 'not within 5 years'}
              </dd>
              <dt>Empty</dt>
              <dd>{f.emptyAt ? formatInstant(f.emptyAt, timeZone) : 'not within 5 years'}</dd>
              <dt>Stability limit</dt>
              <dd>
                {formatLocalDate(f.stabilityExpiresOn)}
                {f.stabilityBinding ? ' (sets the due date)' : ''}
              </dd>
              <dt>Refill due</dt>
              <dd>
                <strong>{formatLocalDate(f.refillDueOn)}</strong>
              </dd>
              <dt>Next appointment</dt>
              <dd>
                {f.nextAppointmentAt ? (
                  formatInstant(f.nextAppointmentAt, timeZone)
                ) : (
                  <strong className="error">none booked</strong>
                )}
              </dd>
            </dl>
          ) : (
            <p className="muted">No forecast: no fill or program recorded.</p>
          )}
        </section>
        <section className="card" aria-labelledby={`${headingId}-program`}>
          <h3 id={`${headingId}-program`}>Program {program ? `(version ${program.versionNo})` : ''}</h3>
          {program ? (
            <dl className="facts">
              <dt>Drug</dt>
              <dd>
                {drugLabel(capitalised(program.drugName), program.drugProduct)}
              </dd>
              <dt>Concentration</dt>
              <dd>{concentrationText(program.concentrationMcgPerMl, unit)}</dd>
              <dt>Mode</dt>
              <dd>{modeLabels[program.mode]}</dd>
              <dt>Daily dose</dt>
              <dd>
                <strong>{doseText(program.dailyDoseMcg, unit)}</strong>
              </dd>
              {program.flexSteps.length > 0 && (
                <>
                  <dt>Flex steps</dt>
                  <dd>
                    <ul className="pt-plain">
                      {program.flexSteps.map((st) => (
                        <li key={st.start}>
                          from {st.start}: {doseText(st.doseMcgPerHour, unit, '/h')}
                        </li>
                      ))}
                    </ul>
                  </dd>
                </>
              )}
              {program.periodicBoluses.length > 0 && (
                <>
                  <dt>Periodic boluses</dt>
                  <dd>
                    {program.periodicBoluses
                      .map((b) => `${b.at}: ${doseText(b.doseMcg, unit, '')}`)
                      .join('; ')}
                  </dd>
                </>
              )}
              <dt>Patient boluses</dt>
              <dd>
                {program.patientBolus
                  ? `${doseText(program.patientBolus.doseMcg, unit, '')}, at most ${program.patientBolus.maxPerDay} a day`
                  : 'none'}
              </dd>
              <dt>Since</dt>
              <dd>{formatInstant(program.effectiveAt, timeZone)}</dd>
              <dt>Ordered by</dt>
              <dd>{program.prescriberName ?? 'no physician order recorded'}</dd>
              <dt>Entered by</dt>
              <dd>
                {program.enteredByName ?? '—'}
                {program.verifiedByName ? `, confirmed by ${program.verifiedByName}` : ''}
              </dd>
              {program.reason && (
                <>
                  <dt>Reason</dt>
                  <dd>{program.reason}</dd>
                </>
              )}
            </dl>
          ) : (
            <p className="error">No active program.</p>
          )}
        </section>

        <section className="card pt-device" aria-labelledby={`${headingId}-device`}>
          <h3 id={`${headingId}-device`}>Device</h3>
          <dl className="facts">
            <dt>Model</dt>
            <dd>
              {pump.model.manufacturer} {pump.model.name} {pump.model.modelNumber}
            </dd>
            <dt>Serial</dt>
            <dd>{pump.serial}</dd>
            <dt>Implanted</dt>
            <dd>{formatLocalDate(pump.implantedOn)}</dd>
            <dt>Reservoir</dt>
            <dd>{formatMl(pump.reservoirMl)}</dd>
            <dt>{pump.model.kind === 'constant-flow' ? 'Reserve volume (no alarm)' : 'Alarm volume'}</dt>
            <dd>{formatMl(pump.alarmMl)}</dd>
            {pump.flowMlPerDay != null && (
              <>
                <dt>Flow</dt>
                <dd>{formatMlPerDay(pump.flowMlPerDay)}</dd>
              </>
            )}
            <dt>Catheter volume</dt>
            <dd>{pump.catheterVolumeMl != null ? formatMl(pump.catheterVolumeMl) : 'not recorded'}</dd>
            <dt>Status</dt>
            <dd>Active</dd>
            <dt>ERI</dt>
            <dd>
              {pump.eriRecordedOn ? (
                <strong className="error">Seen {formatLocalDate(pump.eriRecordedOn)}</strong>
              ) : (
                'not seen'
              )}
            </dd>
            {pump.model.maxServiceYears != null && (
              <>
                <dt>Service life</dt>
                <dd>{pump.model.maxServiceYears} years at most</dd>
              </>
            )}
          </dl>
        </section>
      </div>

      {f && (
        <section className="card stack" aria-labelledby={`${headingId}-alerts`}>
          <h3 id={`${headingId}-alerts`}>Alerts</h3>
          <AlertList
            patientId={patientId}
            pumpId={pump.id}
            timeZone={timeZone}
            canAct={can(staff.role, 'alerts:acknowledge')}
            canReview={can(staff.role, 'discrepancies:review')}
          />
        </section>
      )}

      {f && (
        <section className="card stack" aria-labelledby={`${headingId}-chart`}>
          <h3 id={`${headingId}-chart`}>Reservoir volume over time</h3>
          <VolumeChartFrame
            visits={chartVisits}
            curve={f.curve}
            now={now}
            alarmMl={pump.alarmMl}
            constantFlow={pump.model.kind === 'constant-flow'}
            reservoirMl={pump.reservoirMl}
            dueAt={localDateTimeToInstant(f.refillDueOn, '00:00', timeZone)}
            dueLabel={formatLocalDate(f.refillDueOn)}
            stabilityAt={localDateTimeToInstant(f.stabilityExpiresOn, '00:00', timeZone)}
            stabilityLabel={formatLocalDate(f.stabilityExpiresOn)}
            timeZone={timeZone}
            summary={chartSummary(pump, timeZone)}
          />
        </section>
      )}

      {pump.pendingOrder && (
        <section className="card notice stack" aria-labelledby={`${headingId}-order`}>
          <h3 id={`${headingId}-order`}>Order for the next refill</h3>
          <p>
            {pump.pendingOrder.drugProduct}{' '}
            {formatConcentration(pump.pendingOrder.concentrationMcgPerMl * 1000, pump.pendingOrder.doseUnit)},{' '}
            <strong>{doseText(pump.pendingOrder.dailyDoseMcg, pump.pendingOrder.doseUnit)}</strong>, ordered by{' '}
            {pump.pendingOrder.orderedByName} on {formatInstant(pump.pendingOrder.orderedAt, timeZone)}
            {pump.pendingOrder.verifiedByName ? `, confirmed by ${pump.pendingOrder.verifiedByName}` : ''}:{' '}
            {pump.pendingOrder.reason}. The nurse applies it when recording the refill.
          </p>
        </section>
      )}

      <section className="card stack" aria-labelledby={`${headingId}-programs`}>
        <h3 id={`${headingId}-programs`}>Program history</h3>
        <div className="table-wrap">
          <table className="pt-history">
            <caption className="sr-only">Program versions of pump {pump.serial}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">From</th>
                <th scope="col">Program</th>
                <th scope="col">Ordered by</th>
                <th scope="col">Entered by</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {pump.programHistory.map((v) => (
                <tr key={v.id}>
                  <td>{v.versionNo}</td>
                  <td>{formatInstant(v.effectiveAt, timeZone)}</td>
                  <td>
                    {v.drugProduct} {formatConcentration(v.concentrationMcgPerMl * 1000, v.doseUnit)},{' '}
                    {doseText(v.dailyDoseMcg, v.doseUnit)}
                  </td>
                  <td>{v.prescriberName ?? 'not recorded'}</td>
                  <td>
                    {v.enteredByName ?? '—'}
                    {v.verifiedByName ? ` (confirmed by ${v.verifiedByName})` : ''}
                  </td>
                  <td>{v.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card stack" aria-labelledby={`${headingId}-history`}>
        <h3 id={`${headingId}-history`}>Refill history</h3>
        <DiscrepancyTrend
          points={refills
            .slice(0, TREND_VISITS)
            .map((v) => ({
              at: v.performedAt,
              discrepancyMl: v.discrepancyMl!,
              flag: v.discrepancyFlag,
              toleranceMl: v.toleranceMl,
            }))}
          timeZone={timeZone}
        />
        <div className="table-wrap">
          <table className="pt-history">
            <caption className="sr-only">Fills and refills of pump {pump.serial}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Expected</th>
                <th scope="col">Aspirated</th>
                <th scope="col">Discrepancy</th>
                <th scope="col">Flag</th>
                <th scope="col">Filled with</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {pump.visits.map((v) => (
                <tr
                  key={v.id}
                  className={v.discrepancyFlag && v.discrepancyFlag !== 'none' ? 'pt-flagged' : undefined}
                >
                  <td>
                    {formatInstant(v.performedAt, timeZone)}
                    {v.kind === 'initial-fill' && <div className="small muted">initial fill</div>}
                  </td>
                  <td>{formatMl(v.expectedResidualMl)}</td>
                  <td>{formatMl(v.aspiratedResidualMl)}</td>
                  <td>
                    {signedMl(v.discrepancyMl)}
                    {v.discrepancyPct != null && (
                      <div className="small muted">{signedPct(v.discrepancyPct)}</div>
                    )}
                  </td>
                  <td>
                    {v.discrepancyFlag ? (
                      <span className={`pt-flag-${v.discrepancyFlag}`}>{flagLabels[v.discrepancyFlag]}</span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="small">
                    <strong>{formatMl(v.volumeFilledMl)}</strong> {v.drugProduct}{' '}
                    {concentrationText(v.concentrationMcgPerMl, v.doseUnit)}
                    <div className="muted">
                      lot {v.drugLot || '—'}
                      {v.drugExpiresOn ? `, expires ${formatLocalDate(v.drugExpiresOn)}` : ''}
                    </div>
                    {v.programChanged && (
                      <div>program changed{v.bridgeBolusGiven ? ', bridge bolus given' : ''}</div>
                    )}
                  </td>
                  <td className="small">
                    {v.performedByName || '—'}
                    {v.verifiedByName && <div className="muted">verified by {v.verifiedByName}</div>}
                    {v.notes && <div className="muted">{v.notes}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="pt-grid">
        <section className="card stack" aria-labelledby={`${headingId}-appointments`}>
          <h3 id={`${headingId}-appointments`}>Appointments</h3>
          <h4 className="pt-subhead">Upcoming</h4>
          <UpcomingAppointmentList appointments={upcoming} timeZone={timeZone} refillDueOn={f?.refillDueOn} />
          <h4 className="pt-subhead">Past</h4>
          <PastAppointmentList appointments={past} timeZone={timeZone} />
          <Link prefetch={false} href="/appointments">Open the appointment calendar</Link>
        </section>
        <CardPanel patientId={patientId} pumpId={pump.id} headingLevel={3} />
      </div>

      {catalog && (
        <section className="card stack" aria-labelledby={`${headingId}-actions`}>
          <h3 id={`${headingId}-actions`}>Pump actions</h3>
          <PumpActions
            key={pump.version}
            patientId={patientId}
            pump={{
              id: pump.id,
              version: pump.version,
              serial: pump.serial,
              implantedOn: pump.implantedOn,
              alarmMl: pump.alarmMl,
              reservoirMl: pump.reservoirMl,
              catheterVolumeMl: pump.catheterVolumeMl,
              eriRecordedOn: pump.eriRecordedOn,
              modelId: pump.model.id,
            }}
            program={program}
            models={catalog.models}
            drugs={catalog.drugs}
            today={today}
          />
        </section>
      )}
    </section>
  );
}
