/**
 * The clinic's records as FHIR R4 resources: pure functions, records in, resources out (docs/fhir.md).
 *
 * Codes: reference.md names RxNorm for drugs but gives no code, and gives no SNOMED CT code for the pump or
 * for any alert, so every concept here is sent as text (CodeableConcept.text), with this app's own code
 * systems for its alert codes and identifiers. Units are UCUM. No code is guessed: a wrong code in a
 * hospital's record is worse than none.
 */
import type {
  Appointment,
  Bundle,
  CodeableConcept,
  Device,
  Dosage,
  Flag,
  Medication,
  MedicationRequest,
  Patient,
  Quantity,
  Ratio,
  Resource,
} from '@medplum/fhirtypes';
import type { Severity } from '@/lib/domain/types';
import type {
  FhirAlertRecord,
  FhirAppointmentRecord,
  FhirClinic,
  FhirPatientRecord,
  FhirProgramRecord,
  FhirPumpRecord,
} from './types';

/** This app's namespace for its own identifiers and codes (a URN: no server has to answer at it). */
export const APP_SYSTEM = 'urn:pump-refill-scheduler';
const UCUM = 'http://unitsofmeasure.org';

export const resourceTypes = ['Patient', 'Device', 'MedicationRequest', 'Appointment', 'Flag'] as const;
export type FhirResourceType = (typeof resourceTypes)[number];

export function mrnSystem(clinicId: number): string {
  return `${APP_SYSTEM}:clinic:${clinicId}:mrn`;
}

const patientRef = (id: number) => ({ reference: `Patient/${id}` });
const deviceRef = (id: number) => ({ reference: `Device/${id}` });
const text = (t: string): CodeableConcept => ({ text: t });
const iso = (epochMs: number) => new Date(epochMs).toISOString();
/** Rounds away binary noise (0.1 + 0.2) without hiding a clinically meaningful digit. */
const round = (n: number) => Math.round(n * 1_000_000) / 1_000_000;

const ucum = (value: number, unit: string): Quantity => ({ value: round(value), unit, system: UCUM, code: unit === 'mcg' ? 'ug' : unit });

export function patientResource(clinic: FhirClinic, p: FhirPatientRecord): Patient {
  const resource: Patient = {
    resourceType: 'Patient',
    id: String(p.id),
    identifier: [
      {
        use: 'usual',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }], text: 'MRN' },
        system: mrnSystem(clinic.id),
        value: p.mrn,
      },
    ],
    active: true,
    name: [{ use: 'official', family: p.familyName, given: [p.givenName] }],
    birthDate: p.dateOfBirth,
    managingOrganization: { display: clinic.name },
  };
  if (p.phone.trim()) resource.telecom = [{ system: 'phone', value: p.phone.trim(), use: 'home' }];
  if (p.address.trim()) resource.address = [{ text: p.address.trim() }];
  if (p.caregiverName.trim() || p.caregiverPhone.trim()) {
    resource.contact = [
      {
        relationship: [
          { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'C', display: 'Emergency Contact' }], text: 'Caregiver' },
        ],
        ...(p.caregiverName.trim() ? { name: { text: p.caregiverName.trim() } } : {}),
        ...(p.caregiverPhone.trim() ? { telecom: [{ system: 'phone' as const, value: p.caregiverPhone.trim() }] } : {}),
      },
    ];
  }
  if (p.managingPhysician) resource.generalPractitioner = [{ display: p.managingPhysician.name }];
  return resource;
}

export function deviceResource(pump: FhirPumpRecord): Device {
  const notes = [`Implanted on ${pump.implantedOn}.`];
  if (pump.explantedOn) notes.push(`Explanted on ${pump.explantedOn}.`);
  if (pump.eriRecordedOn) notes.push(`Elective replacement indicator recorded on ${pump.eriRecordedOn}.`);
  return {
    resourceType: 'Device',
    id: String(pump.id),
    status: pump.status === 'active' ? 'active' : 'inactive',
    manufacturer: pump.model.manufacturer,
    serialNumber: pump.serial,
    modelNumber: pump.model.modelNumber,
    deviceName: [{ name: pump.model.name, type: 'manufacturer-name' }],
    type: text(
      pump.model.kind === 'constant-flow'
        ? 'Implanted intrathecal drug infusion pump, constant flow'
        : 'Implanted intrathecal drug infusion pump, programmable',
    ),
    property: [
      { type: text('Reservoir volume'), valueQuantity: [ucum(pump.reservoirMl, 'mL')] },
      { type: text('Low reservoir alarm volume'), valueQuantity: [ucum(pump.alarmMl, 'mL')] },
    ],
    patient: patientRef(pump.patientId),
    note: [{ text: notes.join(' ') }],
  };
}

/** A dose in the drug's display unit (baclofen and ziconotide in mcg, morphine in mg). */
function doseQuantity(mcg: number, unit: 'mcg' | 'mg'): Quantity {
  return unit === 'mg' ? ucum(mcg / 1000, 'mg') : ucum(mcg, 'mcg');
}

function perUnit(numerator: Quantity, value: number, unit: 'd' | 'h' | 'mL'): Ratio {
  return { numerator, denominator: ucum(value, unit) };
}

const fmt = (q: Quantity) => `${q.value} ${q.unit}`;

/** The program's dosage lines: one per continuous rate, flex step, periodic bolus and the patient bolus. */
export function programDosages(program: FhirProgramRecord): Dosage[] {
  const unit = program.drug.doseUnit;
  const route = text('Intrathecal');
  const drugAt = `${program.drug.name} ${fmt(doseQuantity(program.concentrationMcgPerMl, unit))}/mL`;
  const dosages: Dosage[] = [];
  let sequence = 1;
  const volumePerDayMl = program.concentrationMcgPerMl > 0 ? program.dailyDoseMcg / program.concentrationMcgPerMl : 0;
  const volumeRate = { type: text('Volume rate'), rateQuantity: ucum(round(volumePerDayMl), 'mL/d') };

  if (program.mode === 'flex') {
    for (const step of program.flexSteps) {
      const rate = doseQuantity(step.doseMcgPerHour, unit);
      dosages.push({
        sequence: sequence++,
        text: `Flex step from ${step.start}: ${fmt(rate)}/h of ${drugAt}`,
        route,
        timing: { repeat: { timeOfDay: [`${step.start}:00`] } },
        doseAndRate: [{ type: text('Dose rate'), rateRatio: perUnit(rate, 1, 'h') }],
      });
    }
  } else {
    const continuous = program.dailyDoseMcg - program.periodicBoluses.reduce((sum, b) => sum + b.doseMcg, 0);
    const rate = doseQuantity(continuous, unit);
    const how = program.mode === 'constant-flow' ? 'constant flow' : 'simple continuous';
    dosages.push({
      sequence: sequence++,
      text: `${fmt(rate)}/day of ${drugAt}, ${how}${program.flowMlPerDay != null ? ` at ${round(program.flowMlPerDay)} mL/day` : ''}`,
      route,
      doseAndRate: [{ type: text('Dose rate'), rateRatio: perUnit(rate, 1, 'd') }],
    });
  }
  for (const bolus of program.periodicBoluses) {
    const dose = doseQuantity(bolus.doseMcg, unit);
    dosages.push({
      sequence: sequence++,
      text: `Periodic bolus at ${bolus.at}: ${fmt(dose)} of ${drugAt}`,
      route,
      timing: { repeat: { timeOfDay: [`${bolus.at}:00`], frequency: 1, period: 1, periodUnit: 'd' } },
      doseAndRate: [{ type: text('Bolus dose'), doseQuantity: dose }],
    });
  }
  // The daily total and the volume it draws from the reservoir, on the first line: what a reader needs first.
  dosages[0]?.doseAndRate?.push(
    { type: text('Total daily dose'), rateRatio: perUnit(doseQuantity(program.dailyDoseMcg, unit), 1, 'd') },
    volumeRate,
  );
  if (program.patientBolus) {
    const dose = doseQuantity(program.patientBolus.doseMcg, unit);
    dosages.push({
      sequence: sequence++,
      text: `Patient-activated bolus: ${fmt(dose)}, at most ${program.patientBolus.maxPerDay} a day`,
      route,
      asNeededBoolean: true,
      doseAndRate: [{ type: text('Patient bolus dose'), doseQuantity: dose }],
      maxDosePerPeriod: perUnit(doseQuantity(program.patientBolus.doseMcg * program.patientBolus.maxPerDay, unit), 1, 'd'),
    });
  }
  return dosages;
}

export function medicationRequestResource(program: FhirProgramRecord): MedicationRequest {
  const unit = program.drug.doseUnit;
  const medication: Medication = {
    resourceType: 'Medication',
    id: 'drug',
    code: text(program.drug.product),
    ingredient: [
      {
        itemCodeableConcept: text(program.drug.name),
        isActive: true,
        strength: perUnit(doseQuantity(program.concentrationMcgPerMl, unit), 1, 'mL'),
      },
    ],
  };
  const resource: MedicationRequest = {
    resourceType: 'MedicationRequest',
    id: String(program.id),
    contained: [medication],
    identifier: [{ system: `${APP_SYSTEM}:program-version`, value: `pump-${program.pumpId}-v${program.versionNo}` }],
    status: 'active',
    intent: 'order',
    medicationReference: { reference: '#drug', display: program.drug.product },
    subject: patientRef(program.patientId),
    authoredOn: iso(program.effectiveAt),
    supportingInformation: [{ ...deviceRef(program.pumpId), display: 'Intrathecal drug pump' }],
    dosageInstruction: programDosages(program),
  };
  if (program.prescriber) resource.requester = { display: program.prescriber.name };
  if (program.reason.trim()) resource.note = [{ text: program.reason.trim() }];
  return resource;
}

const appointmentStatus = {
  booked: 'booked',
  done: 'fulfilled',
  cancelled: 'cancelled',
  'no-show': 'noshow',
} as const satisfies Record<FhirAppointmentRecord['status'], Appointment['status']>;

const appointmentService = {
  refill: 'Intrathecal pump refill',
  replacement: 'Intrathecal pump replacement',
  titration: 'Intrathecal dose titration',
} as const satisfies Record<FhirAppointmentRecord['type'], string>;

export function appointmentResource(clinic: FhirClinic, a: FhirAppointmentRecord): Appointment {
  const resource: Appointment = {
    resourceType: 'Appointment',
    id: String(a.id),
    status: appointmentStatus[a.status],
    serviceType: [text(appointmentService[a.type])],
    description: `${appointmentService[a.type]} at ${clinic.name}`,
    start: iso(a.startsAt),
    end: iso(a.startsAt + a.durationMinutes * 60_000),
    minutesDuration: a.durationMinutes,
    participant: [
      { actor: patientRef(a.patientId), status: 'accepted', required: 'required' },
      { actor: deviceRef(a.pumpId), status: 'accepted', required: 'information-only' },
    ],
  };
  if (a.notes.trim()) resource.comment = a.notes.trim();
  return resource;
}

const flagPriority: Record<Severity, { code: string; display: string }> = {
  critical: { code: 'PH', display: 'High priority' },
  high: { code: 'PH', display: 'High priority' },
  warn: { code: 'PM', display: 'Medium priority' },
  info: { code: 'PL', display: 'Low priority' },
};

/** The id of an open alert: one per pump and alert code, as the app raises at most one of each. */
export function flagId(alert: Pick<FhirAlertRecord, 'pumpId' | 'code'>): string {
  return `${alert.pumpId}-${alert.code.toLowerCase()}`;
}

export function flagResource(alert: FhirAlertRecord): Flag {
  const priority = flagPriority[alert.severity];
  const resource: Flag = {
    resourceType: 'Flag',
    id: flagId(alert),
    extension: [
      {
        url: 'http://hl7.org/fhir/StructureDefinition/flag-priority',
        valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/flag-priority-code', ...priority }], text: alert.severity },
      },
    ],
    status: 'active',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical', display: 'Clinical' }] }],
    code: { coding: [{ system: `${APP_SYSTEM}:alert-code`, code: alert.code }], text: alert.message },
    subject: patientRef(alert.patientId),
    author: { ...deviceRef(alert.pumpId), display: 'Intrathecal drug pump' },
  };
  if (alert.since != null) resource.period = { start: iso(alert.since) };
  return resource;
}

/** A searchset Bundle: every match, with its full URL under `base` (e.g. https://host/api/fhir/r4). */
export function searchsetBundle(
  base: string,
  selfUrl: string,
  resources: Resource[],
  page?: { total: number; nextUrl: string | null },
): Bundle {
  const link: NonNullable<Bundle['link']> = [{ relation: 'self', url: selfUrl }];
  if (page?.nextUrl) link.push({ relation: 'next', url: page.nextUrl });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: page?.total ?? resources.length,
    link,
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id ?? ''}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

/** Newline-delimited JSON, one resource per line (FHIR Bulk Data's ndjson). */
export function toNdjson(resources: Resource[]): string {
  return resources.map((r) => JSON.stringify(r)).join('\n') + (resources.length ? '\n' : '');
}
