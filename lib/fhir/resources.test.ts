import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/lib/errors';
import { fhirIssues } from '@/tests/fhir-validator';
import {
  appointmentResource,
  deviceResource,
  flagResource,
  medicationRequestResource,
  patientResource,
  programDosages,
  searchsetBundle,
  toNdjson,
} from './resources';
import { capabilityStatement } from './capability';
import { parseSearch } from './search';
import type { FhirProgramRecord } from './types';

const clinic = { id: 3, name: 'Riverside Clinic', timeZone: 'America/Chicago', phone24h: '+1 555 010 0247' };

const baclofen = { id: 1, name: 'baclofen', product: 'Lioresal Intrathecal', doseUnit: 'mcg' as const };
const program = (over: Partial<FhirProgramRecord> = {}): FhirProgramRecord => ({
  id: 7,
  pumpId: 5,
  patientId: 2,
  versionNo: 3,
  drug: baclofen,
  concentrationMcgPerMl: 500,
  mode: 'simple',
  dailyDoseMcg: 250,
  flexSteps: [],
  periodicBoluses: [],
  patientBolus: null,
  flowMlPerDay: null,
  effectiveAt: Date.UTC(2026, 2, 2, 17),
  prescriber: { id: 'u1', name: 'Dr. Ana Ortiz' },
  reason: 'Titration',
  ...over,
});

describe('MedicationRequest: the current program as dosage with rates', () => {
  it('a simple 250 mcg/day program at 500 mcg/mL: 250 ug/d, and 0.5 mL/d from the reservoir', () => {
    const r = medicationRequestResource(program());
    expect(fhirIssues(r)).toEqual([]);
    const rates = r.dosageInstruction![0]!.doseAndRate!;
    expect(rates.find((d) => d.type?.text === 'Dose rate')?.rateRatio).toEqual({
      numerator: { value: 250, unit: 'mcg', system: 'http://unitsofmeasure.org', code: 'ug' },
      denominator: { value: 1, unit: 'd', system: 'http://unitsofmeasure.org', code: 'd' },
    });
    expect(rates.find((d) => d.type?.text === 'Volume rate')?.rateQuantity).toMatchObject({ value: 0.5, code: 'mL/d' });
    expect(r).toMatchObject({ status: 'active', intent: 'order', subject: { reference: 'Patient/2' }, requester: { display: 'Dr. Ana Ortiz' } });
  });

  it('flex: one line per step at its time of day, plus the periodic bolus; the daily total is the sum (reference.md B1)', () => {
    // 8 mcg/h × 7 h + 14 × 15 + 8 × 2 = 282 mcg, + 25 mcg bolus = 307 mcg/day.
    const dosages = programDosages(
      program({
        mode: 'flex',
        dailyDoseMcg: 307,
        flexSteps: [
          { start: '00:00', doseMcgPerHour: 8 },
          { start: '07:00', doseMcgPerHour: 14 },
          { start: '22:00', doseMcgPerHour: 8 },
        ],
        periodicBoluses: [{ at: '12:00', doseMcg: 25 }],
      }),
    );
    expect(dosages.map((d) => d.timing?.repeat?.timeOfDay?.[0])).toEqual(['00:00:00', '07:00:00', '22:00:00', '12:00:00']);
    expect(dosages[1]!.doseAndRate![0]!.rateRatio).toMatchObject({ numerator: { value: 14, code: 'ug' }, denominator: { value: 1, code: 'h' } });
    expect(dosages[3]!.doseAndRate![0]!.doseQuantity).toMatchObject({ value: 25, code: 'ug' });
    const total = dosages[0]!.doseAndRate!.find((d) => d.type?.text === 'Total daily dose')!.rateRatio!;
    expect(total.numerator!.value).toBe(307);
    expect(dosages[0]!.doseAndRate!.find((d) => d.type?.text === 'Volume rate')!.rateQuantity!.value).toBe(0.614);
  });

  it('morphine is sent in mg (its display unit), with the patient bolus limit as a maximum per day', () => {
    const r = medicationRequestResource(
      program({
        drug: { id: 3, name: 'morphine', product: 'Infumorph', doseUnit: 'mg' },
        concentrationMcgPerMl: 10_000,
        dailyDoseMcg: 3000,
        patientBolus: { doseMcg: 100, maxPerDay: 4 },
      }),
    );
    expect(fhirIssues(r)).toEqual([]);
    const [continuous, bolus] = r.dosageInstruction!;
    expect(continuous!.doseAndRate![0]!.rateRatio!.numerator).toMatchObject({ value: 3, code: 'mg' });
    expect(bolus).toMatchObject({ asNeededBoolean: true, maxDosePerPeriod: { numerator: { value: 0.4, code: 'mg' }, denominator: { value: 1, code: 'd' } } });
    expect(r.contained![0]).toMatchObject({ ingredient: [{ strength: { numerator: { value: 10, code: 'mg' }, denominator: { value: 1, code: 'mL' } } }] });
  });
});

describe('Patient, Device, Appointment, Flag', () => {
  const patient = patientResource(clinic, {
    id: 2,
    mrn: '100014',
    givenName: 'Aisha',
    familyName: 'Rahman',
    dateOfBirth: '1964-03-07',
    phone: ' +1 555 0102 1002 ',
    address: '',
    caregiverName: 'Family caregiver',
    caregiverPhone: '',
    managingPhysician: { id: 'u1', name: 'Dr. Ana Ortiz' },
  });

  it('a patient: MRN under the clinic’s system, trimmed phone, no empty address, the caregiver as a contact', () => {
    expect(fhirIssues(patient)).toEqual([]);
    expect(patient.identifier![0]).toMatchObject({ system: 'urn:pump-refill-scheduler:clinic:3:mrn', value: '100014' });
    expect(patient.telecom).toEqual([{ system: 'phone', value: '+1 555 0102 1002', use: 'home' }]);
    expect(patient.address).toBeUndefined();
    expect(patient.contact![0]).toMatchObject({ name: { text: 'Family caregiver' } });
    expect(patient.contact![0]!.telecom).toBeUndefined();
  });

  it('an explanted pump is an inactive Device with its serial, model and manufacturer', () => {
    const device = deviceResource({
      id: 5,
      patientId: 2,
      serial: '863720-510013',
      implantedOn: '2019-04-01',
      explantedOn: '2026-01-10',
      eriRecordedOn: null,
      status: 'explanted',
      reservoirMl: 20,
      alarmMl: 2,
      model: { manufacturer: 'Medtronic', name: 'SynchroMed II', modelNumber: '8637-20', kind: 'programmable' },
    });
    expect(fhirIssues(device)).toEqual([]);
    expect(device).toMatchObject({ status: 'inactive', serialNumber: '863720-510013', modelNumber: '8637-20', manufacturer: 'Medtronic' });
    expect(device.note![0]!.text).toBe('Implanted on 2019-04-01. Explanted on 2026-01-10.');
  });

  it.each([
    ['booked', 'booked'],
    ['done', 'fulfilled'],
    ['cancelled', 'cancelled'],
    ['no-show', 'noshow'],
  ] as const)('an appointment %s is FHIR %s, from start to end', (status, fhir) => {
    const a = appointmentResource(clinic, { id: 9, pumpId: 5, patientId: 2, startsAt: Date.UTC(2026, 2, 9, 14, 30), durationMinutes: 30, type: 'refill', status, notes: '' });
    expect(fhirIssues(a)).toEqual([]);
    expect(a).toMatchObject({ status: fhir, start: '2026-03-09T14:30:00.000Z', end: '2026-03-09T15:00:00.000Z' });
  });

  it('an open alert is an active Flag from the pump, its priority from the severity', () => {
    const flag = flagResource({ pumpId: 5, patientId: 2, code: 'E5', severity: 'critical', message: 'Under-infusion', since: Date.UTC(2026, 2, 1) });
    expect(fhirIssues(flag)).toEqual([]);
    expect(flag).toMatchObject({ id: '5-e5', status: 'active', author: { reference: 'Device/5' }, period: { start: '2026-03-01T00:00:00.000Z' } });
    expect(flag.extension![0]!.valueCodeableConcept!.coding![0]!.code).toBe('PH');
  });

  it('the validator is real: it rejects a resource that breaks R4', () => {
    expect(fhirIssues({ ...patient, birthDate: '07/03/1964' }).join()).toMatch(/birthDate/);
    expect(fhirIssues({ resourceType: 'Flag', status: 'open', code: { text: 'x' }, subject: { reference: 'Patient/2' } } as unknown as Resource).join()).toMatch(/status/);
    // Codes bound `required` inside data types and backbone elements are checked too.
    expect(fhirIssues({ ...patient, telecom: [{ system: 'mobile', value: '1' }] } as unknown as Resource).join()).toMatch(/telecom\.system/);
    const appointment = appointmentResource(clinic, { id: 9, pumpId: 5, patientId: 2, startsAt: 0, durationMinutes: 30, type: 'refill', status: 'no-show', notes: '' });
    expect(fhirIssues({ ...appointment, status: 'no-show' } as unknown as Resource).join()).toMatch(/Appointment\.status/);
    expect(fhirIssues({ ...appointment, participant: [{ actor: { reference: 'Patient/2' }, status: 'yes' }] } as unknown as Resource).join()).toMatch(/participant\.status/);
  });

  it('a searchset Bundle gives each entry its full URL; NDJSON has one resource per line', () => {
    const bundle = searchsetBundle('https://h/api/fhir/r4', 'https://h/api/fhir/r4/Patient', [patient]);
    expect(fhirIssues(bundle)).toEqual([]);
    expect(bundle.entry![0]!.fullUrl).toBe('https://h/api/fhir/r4/Patient/2');
    expect(toNdjson([patient, patient]).split('\n')).toHaveLength(3);
    expect(toNdjson([])).toBe('');
  });
});

describe('search parameters', () => {
  const parse = (type: Parameters<typeof parseSearch>[0], q: string) => parseSearch(type, new URLSearchParams(q));

  it('reads a patient reference as Patient/12, 12 or a full URL', () => {
    expect(parse('Device', 'patient=Patient/12').patientId).toBe(12);
    expect(parse('Device', 'patient=12').patientId).toBe(12);
    expect(parse('Flag', 'subject=https://h/api/fhir/r4/Patient/12').patientId).toBe(12);
  });

  it.each([
    ['Device', 'patient=Device/12', 'patient'],
    ['Appointment', 'date=2026-01-01', 'date'],
    ['Patient', 'birthdate=7/3/1964', 'birthdate'],
    ['Patient', '_count=5000', '_count'],
    ['Patient', 'name=a&name=b', 'name'],
    ['Device', 'status=booked', 'status'],
  ] as const)('%s?%s is refused naming %s', (type, q, field) => {
    try {
      parse(type, q);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).fields)).toEqual([field]);
    }
  });
});

describe('CapabilityStatement', () => {
  it('is valid and lists every served type with its search parameters and $export', () => {
    const cs = capabilityStatement('https://h/api/fhir/r4', '2026-03-10');
    expect(fhirIssues(cs)).toEqual([]);
    const rest = cs.rest![0]!;
    expect(rest.resource!.map((r) => r.type)).toEqual(['Patient', 'Device', 'MedicationRequest', 'Appointment', 'Flag']);
    expect(rest.resource!.find((r) => r.type === 'Device')!.searchParam!.map((p) => p.name)).toEqual(['_id', 'patient', 'status']);
    expect(rest.operation![0]!.name).toBe('export');
  });
});
