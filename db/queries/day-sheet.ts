/**
 * The day sheet (issue 18, item 2): one clinic day's appointments with what the refill room needs at hand for each
 * patient (pump, drug, concentration, dose, the residual the program leaves at the appointment time) and what to
 * check, for the morning huddle. A read: the page audits it (one row for the sheet, with the patients on it).
 */
import { eq, inArray } from 'drizzle-orm';
import { alertPhrases } from '@/lib/domain/alerts';
import { programmedResidual } from '@/lib/domain/refill';
import { isHighRiskPatient, riskFlagLabels, type RiskFlags } from '@/lib/domain/risk';
import type { AlertCode, Severity } from '@/lib/domain/types';
import { type Db } from '../client';
import * as s from '../schema';
import { activeAcknowledgements, applyAcknowledgements, openDiscrepancyAlerts, withRecordAlerts, type PumpAlert } from './alerts';
import { listAppointments, type AppointmentDto } from './appointments';
import { outdatedPrints } from './cards';
import { programDto, staffNamesOf, type ProgramDto } from './dtos';
import { computeForecasts, loadForecastContexts } from './forecasts';
import { ordersOf, type OrderDto } from './orders';

export interface DaySheetCheck {
  /** How much it matters: the alert's severity, or 'info' for a reminder (allergies, card to reprint). */
  severity: Severity;
  text: string;
}

export interface DaySheetRow {
  appointment: Pick<
    AppointmentDto,
    'id' | 'startsAt' | 'time' | 'endTime' | 'type' | 'status' | 'patientId' | 'patientName' | 'mrn' | 'pumpId' | 'lateWarning'
  >;
  phone: string;
  dateOfBirth: string;
  pump: { label: string; serial: string; kind: s.PumpModel['kind']; reservoirMl: number; alarmMl: number; explanted: boolean };
  /** The current program, or null for a pump without one (explanted, or never filled). */
  program: ProgramDto | null;
  /** What the program leaves in the reservoir at the appointment's start (null when it cannot be said). */
  expectedResidualMl: number | null;
  lastRefillAt: number | null;
  pendingOrder: OrderDto | null;
  checks: DaySheetCheck[];
}

export interface DaySheet {
  date: string;
  today: string;
  timeZone: string;
  rows: DaySheetRow[];
  /** Appointments of the day that were cancelled (not on the sheet). */
  cancelled: number;
}

function checksFor(input: {
  patient: Pick<s.Patient, 'allergies'> & RiskFlags;
  alerts: (PumpAlert & { acknowledged: boolean })[];
  pendingOrder: OrderDto | null;
  lateWarning: string | null;
  cardOutdated: boolean;
  expectedResidualMl: number | null;
  alarmMl: number;
  constantFlow: boolean;
}): DaySheetCheck[] {
  const checks: DaySheetCheck[] = [];
  for (const a of input.alerts)
    if (!a.acknowledged) checks.push({ severity: a.severity, text: alertPhrases[a.code as AlertCode] ?? a.code });
  if (input.expectedResidualMl != null && input.expectedResidualMl <= 0)
    checks.push({ severity: 'critical', text: 'Reservoir expected empty by then: look for withdrawal signs' });
  else if (!input.constantFlow && input.expectedResidualMl != null && input.expectedResidualMl <= input.alarmMl)
    checks.push({ severity: 'high', text: 'Below the alarm volume by then: the pump may be alarming' });
  if (input.lateWarning) checks.push({ severity: 'high', text: input.lateWarning });
  if (input.pendingOrder) checks.push({ severity: 'warn', text: "Physician's program order to apply at this refill" });
  if (isHighRiskPatient(input.patient)) {
    const why = (['riskInjuryT6OrAbove', 'riskCommunication', 'riskPriorWithdrawal'] as const)
      .filter((k) => input.patient[k])
      .map((k) => riskFlagLabels[k].toLowerCase());
    checks.push({ severity: 'warn', text: `High-risk patient: ${why.join(', ')}` });
  }
  if (input.patient.riskHearingImpaired) checks.push({ severity: 'info', text: riskFlagLabels.riskHearingImpaired });
  if (input.patient.allergies.trim()) checks.push({ severity: 'info', text: `Allergies: ${input.patient.allergies.trim()}` });
  if (input.cardOutdated) checks.push({ severity: 'info', text: 'Emergency card outdated: reprint it' });
  return checks;
}

/** The day sheet of one clinic-local date. */
export function daySheet(db: Db, clinicId: number, date: string, now: number): DaySheet {
  const list = listAppointments(db, clinicId, { from: date, to: date }, now);
  const appointments = list.appointments.filter((a) => a.status !== 'cancelled');
  const pumpIds = [...new Set(appointments.map((a) => a.pumpId))];
  const patientIds = [...new Set(appointments.map((a) => a.patientId))];

  const pumps = new Map(
    (pumpIds.length
      ? db
          .select({ pump: s.pumps, model: s.pumpModels })
          .from(s.pumps)
          .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
          .where(inArray(s.pumps.id, pumpIds))
          .all()
      : []
    ).map((r) => [r.pump.id, r]),
  );
  const patients = new Map(
    (patientIds.length ? db.select().from(s.patients).where(inArray(s.patients.id, patientIds)).all() : []).map((p) => [p.id, p]),
  );
  const forecasts = new Map(
    computeForecasts(loadForecastContexts(db, { pumpIds }, now)).map((r) => [r.context.pumpId, r]),
  );
  const acks = activeAcknowledgements(db, pumpIds, now);
  const record = openDiscrepancyAlerts(db, pumpIds);
  const outdated = outdatedPrints(db, clinicId, pumpIds, 'card', now);
  const names = staffNamesOf(db, clinicId);
  const orders = new Map(ordersOf(db, pumpIds, names, 'pending').map((o) => [o.pumpId, o]));

  const rows = appointments.map((a): DaySheetRow => {
    const { pump, model } = pumps.get(a.pumpId)!;
    const patient = patients.get(a.patientId)!;
    const f = forecasts.get(a.pumpId);
    const alarmMl = pump.alarmUl / 1000;
    const constantFlow = model.kind === 'constant-flow';
    // The residual at the start of the appointment, from the state since the last refill (B4, lib/domain).
    const startsAt = a.startsAt;
    const expectedResidualMl =
      f && startsAt >= f.context.input.lastRefill.at ? programmedResidual(f.context.input, startsAt).expectedResidualMl : null;
    const alerts = f
      ? applyAcknowledgements(withRecordAlerts(f.forecast.alerts, record.get(a.pumpId)), acks.get(a.pumpId) ?? [], now)
      : [];
    const pendingOrder = orders.get(a.pumpId) ?? null;
    return {
      appointment: {
        id: a.id,
        startsAt: a.startsAt,
        time: a.time,
        endTime: a.endTime,
        type: a.type,
        status: a.status,
        patientId: a.patientId,
        patientName: a.patientName,
        mrn: a.mrn,
        pumpId: a.pumpId,
        lateWarning: a.status === 'booked' ? a.lateWarning : null,
      },
      phone: patient.phone,
      dateOfBirth: patient.dateOfBirth,
      pump: {
        label: `${model.manufacturer} ${model.name} ${model.modelNumber}`,
        serial: pump.serial,
        kind: model.kind,
        reservoirMl: pump.reservoirUl / 1000,
        alarmMl,
        explanted: pump.status !== 'active',
      },
      program: f ? programDto(f.context.activeProgram, f.context.drug, names) : null,
      expectedResidualMl,
      lastRefillAt: f ? f.context.lastVisit.performedAt : null,
      pendingOrder,
      checks: checksFor({
        patient,
        alerts,
        pendingOrder,
        lateWarning: a.status === 'booked' ? a.lateWarning : null,
        cardOutdated: outdated.has(a.pumpId),
        expectedResidualMl,
        alarmMl,
        constantFlow,
      }),
    };
  });
  return {
    date,
    today: list.today,
    timeZone: list.timeZone,
    rows,
    cancelled: list.appointments.length - appointments.length,
  };
}
