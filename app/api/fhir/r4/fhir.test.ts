/**
 * The FHIR R4 read API over the demo clinic: every resource of every demo patient passes a real FHIR validator
 * and says what the JSON API says (serials, doses, open alerts); same tokens and roles; audited like JSON reads.
 */
import crypto from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Bundle, Device, Flag, MedicationRequest, Patient, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { patientDetail } from '@/db/queries/patients';
import * as s from '@/db/schema';
import { seedClinic } from '@/db/seed';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';
import { fhirIssues } from '@/tests/fhir-validator';
import { GET as exportAll } from './$export/route';
import { GET as read } from './[type]/[id]/route';
import { GET as search } from './[type]/route';
import { GET as metadata } from './metadata/route';

let ctx: ApiTestContext;
let demoClinicId: number;
const demoTokens: Partial<Record<s.StaffRole, string>> = {};
let demoPatients: s.Patient[];

function tokenFor(user: s.Staff): string {
  const token = `pat_${crypto.randomBytes(24).toString('base64url')}`;
  ctx.db
    .insert(s.apiTokens)
    .values({ userId: user.id, name: 'fhir test', tokenHash: crypto.createHash('sha256').update(token).digest('hex') })
    .run();
  return token;
}

async function searchOf<T extends Resource>(type: string, query = '', token = demoTokens.nurse!) {
  const res = await call(search, { url: `/api/fhir/r4/${type}${query}`, token, params: { type } });
  return { ...res, bundle: res.body as Bundle<T>, resources: ((res.body as Bundle<T>).entry ?? []).map((e) => e.resource!) };
}

function expectValid(resource: Resource) {
  expect(fhirIssues(resource), `${resource.resourceType}/${resource.id}`).toEqual([]);
}

beforeAll(() => {
  ctx = setupApiTest();
  demoClinicId = seedClinic(ctx.db, { now: Date.now() }, [], 'not-a-real-hash').clinicId;
  const staff = ctx.db.select().from(s.users).where(eq(s.users.clinicId, demoClinicId)).all();
  for (const user of staff) demoTokens[user.role] ??= tokenFor(user);
  demoPatients = ctx.db.select().from(s.patients).where(eq(s.patients.clinicId, demoClinicId)).all();
});

describe('FHIR R4 resources of every demo patient', () => {
  it('Patient search returns the whole clinic as a valid searchset Bundle', async () => {
    const { status, headers, bundle, resources } = await searchOf<Patient>('Patient', '?_count=1000');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: demoPatients.length });
    expectValid(bundle);
    expect(resources.map((p) => p.identifier?.[0]?.value).sort()).toEqual(demoPatients.map((p) => p.mrn).sort());
  });

  it('each patient’s Patient, Device, MedicationRequest, Appointment and Flag resources are valid and match the record', async () => {
    expect(demoPatients.length).toBeGreaterThanOrEqual(20);
    for (const patient of demoPatients) {
      const detail = patientDetail(ctx.db, demoClinicId, patient.id, Date.now());
      const one = await call(read, { url: `/api/fhir/r4/Patient/${patient.id}`, token: demoTokens.nurse, params: { type: 'Patient', id: String(patient.id) } });
      expect(one.status).toBe(200);
      expectValid(one.body as Patient);
      expect(one.body).toMatchObject({ name: [{ family: patient.familyName, given: [patient.givenName] }], birthDate: patient.dateOfBirth });

      const ref = `?patient=Patient/${patient.id}`;
      const devices = await searchOf<Device>('Device', ref);
      const programs = await searchOf<MedicationRequest>('MedicationRequest', ref);
      const appointments = await searchOf('Appointment', ref);
      const flags = await searchOf<Flag>('Flag', ref);
      for (const res of [devices, programs, appointments, flags]) {
        expect(res.status).toBe(200);
        expectValid(res.bundle);
        for (const r of res.resources) expectValid(r);
      }

      const triple = (serial?: string, model?: string, maker?: string) => `${serial} ${model} ${maker}`;
      expect(devices.resources.map((d) => triple(d.serialNumber, d.modelNumber, d.manufacturer)).sort()).toEqual(
        detail.pumps.map((p) => triple(p.serial, p.model.modelNumber, p.model.manufacturer)).sort(),
      );
      const activePrograms = detail.pumps.filter((p) => p.status === 'active' && p.program).map((p) => p.program!);
      expect(programs.resources.map((m) => Number(m.id)).sort()).toEqual(activePrograms.map((p) => p.id).sort());
      for (const program of activePrograms) {
        const request = programs.resources.find((m) => m.id === String(program.id))!;
        const total = request.dosageInstruction?.[0]?.doseAndRate?.find((d) => d.type?.text === 'Total daily dose')?.rateRatio;
        const factor = program.doseUnit === 'mg' ? 1000 : 1;
        expect(total?.numerator?.value).toBeCloseTo(program.dailyDoseMcg / factor, 6);
        expect(total?.denominator).toMatchObject({ value: 1, code: 'd' });
        expect((request.contained?.[0] as { ingredient?: { strength?: { numerator?: { value?: number } } }[] }).ingredient?.[0]?.strength?.numerator?.value).toBeCloseTo(program.concentrationMcgPerMl / factor, 6);
      }
      expect(appointments.resources.map((a) => Number(a.id)).sort()).toEqual(detail.pumps.flatMap((p) => p.appointments.map((a) => a.id)).sort());

      // The open alerts are the patient page's unacknowledged ones, one Flag per pump and code.
      const open = new Set(detail.pumps.flatMap((p) => (p.forecast?.alerts ?? []).filter((a) => !a.acknowledged).map((a) => `${p.id}-${a.code.toLowerCase()}`)));
      expect(new Set(flags.resources.map((f) => f.id))).toEqual(open);
    }
  });

  it('covers the clinically distinct programs: flex steps, constant flow, morphine in mg with a patient bolus', async () => {
    const { resources } = await searchOf<MedicationRequest>('MedicationRequest', '?_count=1000');
    const texts = resources.flatMap((m) => m.dosageInstruction?.map((d) => d.text) ?? []);
    expect(texts).toContain('Flex step from 07:00: 14 mcg/h of baclofen 500 mcg/mL');
    expect(texts).toContain('Periodic bolus at 12:00: 25 mcg of baclofen 500 mcg/mL');
    expect(texts).toContain('500 mcg/day of baclofen 500 mcg/mL, constant flow at 1 mL/day');
    expect(texts).toContain('3 mg/day of morphine 10 mg/mL, simple continuous');
    expect(texts).toContain('Patient-activated bolus: 0.1 mg, at most 4 a day');
  });

  it('the demo clinic has open alerts to send, critical ones at high priority', async () => {
    const { resources } = await searchOf<Flag>('Flag', '?_count=1000');
    expect(resources.length).toBeGreaterThan(0);
    const nguyen = demoPatients.find((p) => p.familyName === 'Nguyen')!;
    const hers = resources.filter((f) => f.subject?.reference === `Patient/${nguyen.id}`);
    expect(hers.some((f) => f.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code === 'PH')).toBe(true);
  });
});

describe('FHIR search parameters and paging', () => {
  it('pages with _count and a next link that continues where the page ended', async () => {
    const first = await searchOf<Patient>('Patient', '?_count=10');
    expect(first.resources).toHaveLength(10);
    expect(first.bundle.total).toBe(demoPatients.length);
    const next = first.bundle.link?.find((l) => l.relation === 'next')?.url;
    expect(next).toBeDefined();
    const url = new URL(next!);
    const second = await searchOf<Patient>('Patient', url.search);
    expect(second.resources).toHaveLength(10);
    expect(second.resources.map((r) => r.id)).not.toContain(first.resources[0]!.id);
  });

  it('finds a patient by MRN identifier (with or without the system) and by family name', async () => {
    const patient = demoPatients[3]!;
    const byMrn = await searchOf<Patient>('Patient', `?identifier=${patient.mrn}`);
    expect(byMrn.resources.map((p) => p.id)).toEqual([String(patient.id)]);
    const withSystem = await searchOf<Patient>('Patient', `?identifier=${encodeURIComponent(`${byMrn.resources[0]!.identifier![0]!.system}|${patient.mrn}`)}`);
    expect(withSystem.resources).toHaveLength(1);
    const wrongSystem = await searchOf<Patient>('Patient', `?identifier=${encodeURIComponent(`urn:other|${patient.mrn}`)}`);
    expect(wrongSystem.resources).toHaveLength(0);
    const byFamily = await searchOf<Patient>('Patient', `?family=${patient.familyName.slice(0, 4).toLowerCase()}`);
    expect(byFamily.resources.map((p) => p.id)).toContain(String(patient.id));
  });

  it('refuses an unknown parameter with a 400 OperationOutcome naming it, and an unknown type with 404', async () => {
    const res = await searchOf('Appointment', '?date=2026-01-01');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', expression: ['date'] }] });
    expectValid(res.body as Resource);
    const bad = await searchOf('Device', '?patient=Practitioner/3');
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['patient']);
    const unknown = await searchOf('Observation');
    expect(unknown.status).toBe(404);
    expect(unknown.body.resourceType).toBe('OperationOutcome');
  });
});

describe('FHIR API authorization and audit', () => {
  it('needs a token (401) and the clinical:read permission (403 for an admin and the front desk), as OperationOutcome', async () => {
    const anonymous = await searchOf('Patient', '', '');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
    const admin = await searchOf('Patient', '', demoTokens.admin);
    expect(admin.status).toBe(403);
    expect(admin.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
    // FHIR carries the clinical record (programs, doses); the front desk reads the scheduling view only (issue 14).
    const desk = await searchOf('Patient', '', demoTokens['front-desk']);
    expect(desk.status).toBe(403);
    expect(desk.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
    expect((await searchOf('Patient', '', demoTokens.nurse)).status).toBe(200);
  });

  it('serves its CapabilityStatement without credentials (it holds no clinic data)', async () => {
    const res = await call(metadata, { url: '/api/fhir/r4/metadata' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    expectValid(res.body as Resource);
  });

  it('shows nothing of another clinic: its patient is 404 and a search for it is empty', async () => {
    const patient = demoPatients[0]!;
    const res = await call(read, { url: `/api/fhir/r4/Patient/${patient.id}`, token: ctx.tokens.otherClinicNurse, params: { type: 'Patient', id: String(patient.id) } });
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const devices = await searchOf('Device', `?patient=${patient.id}`, ctx.tokens.otherClinicNurse);
    expect(devices.status).toBe(200);
    expect(devices.resources).toEqual([]);
    const pump = ctx.db.select().from(s.pumps).where(eq(s.pumps.patientId, patient.id)).get()!;
    const device = await call(read, { url: `/api/fhir/r4/Device/${pump.id}`, token: ctx.tokens.otherClinicNurse, params: { type: 'Device', id: String(pump.id) } });
    expect(device.status).toBe(404);
  });

  it('records a read of a patient’s resources as one view naming the patient', async () => {
    const patient = demoPatients[5]!;
    const nurse = ctx.db.select().from(s.users).where(and(eq(s.users.clinicId, demoClinicId), eq(s.users.role, 'physician'))).get()!;
    const token = tokenFor(nurse);
    const views = () =>
      ctx.db
        .select()
        .from(s.auditLog)
        .where(and(eq(s.auditLog.actorId, nurse.id), eq(s.auditLog.action, 'view'), eq(s.auditLog.entity, 'fhir:MedicationRequest')))
        .all()
        .filter((r) => (r.after as { patientIds?: number[] } | null)?.patientIds?.includes(patient.id));
    expect(views()).toHaveLength(0);
    const res = await searchOf('MedicationRequest', `?patient=${patient.id}`, token);
    expect(res.status).toBe(200);
    expect(views()).toHaveLength(1);
  });

  it('records a clinic-wide search with its query and count', async () => {
    // The nurse whose token searches: the first of the role, as demoTokens were made.
    const nurse = ctx.db.select().from(s.users).where(eq(s.users.clinicId, demoClinicId)).all().find((u) => u.role === 'nurse')!;
    const res = await searchOf('Device', '?status=active', demoTokens.nurse);
    const row = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.actorId, nurse.id), eq(s.auditLog.entity, 'fhir:Device')))
      .orderBy(desc(s.auditLog.id))
      .get();
    expect(row).toMatchObject({ action: 'view', after: { query: 'status=active', total: res.bundle.total } });
  });
});

describe('GET /api/fhir/r4/$export (bulk NDJSON)', () => {
  it('downloads every resource of the clinic as valid NDJSON, one line each, and audits the export', async () => {
    const res = await call(exportAll, { url: '/api/fhir/r4/$export', token: demoTokens.physician });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+ndjson/);
    const lines = (res.body as string).trimEnd().split('\n').map((l) => JSON.parse(l) as Resource);
    for (const r of lines) expectValid(r);
    const count = (t: string) => lines.filter((r) => r.resourceType === t).length;
    expect(count('Patient')).toBe(demoPatients.length);
    const pumps = ctx.db.select({ id: s.pumps.id }).from(s.pumps).innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId)).where(eq(s.patients.clinicId, demoClinicId)).all();
    expect(count('Device')).toBe(pumps.length);
    expect(count('Flag')).toBe((await searchOf('Flag', '?_count=1000')).bundle.total);
    const audit = ctx.db.select().from(s.auditLog).where(and(eq(s.auditLog.action, 'export'), eq(s.auditLog.entity, 'fhir-bulk'))).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ counts: { Patient: demoPatients.length, Device: pumps.length } });
  });

  it('exports only the _type asked for, and names an unknown one', async () => {
    const res = await call(exportAll, { url: '/api/fhir/r4/$export?_type=Device', token: demoTokens.nurse });
    const types = new Set((res.body as string).trimEnd().split('\n').map((l) => (JSON.parse(l) as Resource).resourceType));
    expect(types).toEqual(new Set(['Device']));
    const bad = await call(exportAll, { url: '/api/fhir/r4/$export?_type=Device,Observation', token: demoTokens.nurse });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].diagnostics).toMatch(/Observation/);
  });
});
