/**
 * Who reads the audit (issue 14, item 8) and reads audited one row per request (item 7), through the routes.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPatient, createPump, DAY_MS } from '@/db/factories';
import { clinicActor } from '@/lib/clinic/actor';
import { updatePatient } from '@/lib/clinic/patients';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from './api';

const { GET: auditExport } = await import('@/app/api/v1/audit/export/route');
const { GET: auditList } = await import('@/app/api/v1/audit/route');
const { GET: patientGet } = await import('@/app/api/v1/patients/[id]/route');
const { GET: worklistGet } = await import('@/app/api/v1/worklist/route');

let ctx: ApiTestContext;
let patientId: number;

beforeAll(() => {
  ctx = setupApiTest();
  const drug = ctx.catalog.drugs.get('Lioresal Intrathecal')!;
  const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'AR-1', givenName: 'Grace', familyName: 'Thompson' });
  patientId = patient.id;
  createPump(ctx.db, {
    patientId,
    model: ctx.catalog.models.get('8637-20')!,
    serial: 'AR-SERIAL',
    implantedOn: '2024-01-01',
    program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
    filledAt: Date.now() - 10 * DAY_MS,
    fillMl: 20,
  });
  const current = ctx.db.select().from(s.patients).where(eq(s.patients.id, patientId)).get()!;
  const nurse = ctx.users.nurse;
  updatePatient(ctx.db, clinicActor({ id: nurse.id, name: nurse.name, clinicId: ctx.clinic.id, role: 'nurse' }), patientId, { version: current.version, allergies: 'Penicillin-anaphylaxis' }, Date.now());
});

const views = (actorId: string, entity: string) =>
  ctx.db.select().from(s.auditLog).where(and(eq(s.auditLog.actorId, actorId), eq(s.auditLog.action, 'view'), eq(s.auditLog.entity, entity))).all();

describe('reads are audited, one row per request', () => {
  it('writes a row for every GET of a patient record, naming the patient and where the request came from', async () => {
    const desk = ctx.users['front-desk'];
    for (let i = 0; i < 2; i++) {
      const r = await call(patientGet, { token: ctx.tokens['front-desk'], params: { id: String(patientId) }, headers: { 'user-agent': 'AuditTest/1' } });
      expect(r.status).toBe(200);
    }
    const rows = views(desk.id, 'patient');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ entityId: String(patientId), after: { patientIds: [patientId] }, userAgent: 'AuditTest/1' });
  });

  it('writes one row for a worklist page, naming every patient on it', async () => {
    const r = await call(worklistGet, { token: ctx.tokens.nurse, url: '/api/v1/worklist' });
    expect(r.status).toBe(200);
    const rows = views(ctx.users.nurse.id, 'worklist');
    expect(rows).toHaveLength(1);
    expect((rows[0]!.after as { patientIds: number[] }).patientIds).toContain(patientId);
  });

  it('writes nothing for a refused read', async () => {
    const before = views(ctx.users.admin.id, 'patient').length;
    expect((await call(patientGet, { token: ctx.tokens.admin, params: { id: String(patientId) } })).status).toBe(403);
    expect(views(ctx.users.admin.id, 'patient')).toHaveLength(before);
  });
});

describe('who reads the audit', () => {
  it("gives the admin an audit CSV without the allergy, the patient's name or the dose, and audits the export", async () => {
    const r = await call(auditExport, { token: ctx.tokens.admin, url: '/api/v1/audit/export' });
    expect(r.status).toBe(200);
    const csv = String(r.body);
    expect(csv).toContain('(hidden)');
    expect(csv).toContain('MRN AR-1');
    expect(csv).not.toMatch(/Penicillin|Thompson|250 mcg|AR-SERIAL/);
    const exports = ctx.db.select().from(s.auditLog).where(and(eq(s.auditLog.actorId, ctx.users.admin.id), eq(s.auditLog.action, 'export'), eq(s.auditLog.entity, 'audit-log'))).all();
    expect(exports).toHaveLength(1);
    expect((exports[0]!.after as { patientIds: number[] }).patientIds).toContain(patientId);
  });

  it('shows a physician (audit:values) the values, in clinic time and in sentences', async () => {
    const r = await call(auditExport, { token: ctx.tokens.physician, url: '/api/v1/audit/export' });
    expect(r.status).toBe(200);
    const csv = String(r.body);
    expect(csv).toContain('Penicillin-anaphylaxis');
    expect(csv).toContain('Thompson, Grace (MRN AR-1)');
    expect(csv).toContain('at (America/Chicago)');
    expect(csv).toMatch(/viewed the record of patient Thompson, Grace/);
  });

  it('keeps the JSON listing as redacted as the CSV, and audits the reading', async () => {
    const r = await call(auditList, { token: ctx.tokens.admin, url: '/api/v1/audit' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toMatch(/Penicillin|Thompson/);
    expect(views(ctx.users.admin.id, 'audit-log')).toHaveLength(1);
  });

  it('refuses nurses and front desk, and answers a bad date with a 400 naming the field', async () => {
    expect((await call(auditList, { token: ctx.tokens.nurse, url: '/api/v1/audit' })).status).toBe(403);
    expect((await call(auditList, { token: ctx.tokens['front-desk'], url: '/api/v1/audit' })).status).toBe(403);
    const bad = await call(auditList, { token: ctx.tokens.admin, url: '/api/v1/audit?from=2026-13-45' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toHaveProperty('from');
  });

  it("filters by patient: the record's changes and every read that named them", async () => {
    const r = await call(auditList, { token: ctx.tokens.physician, url: `/api/v1/audit?patientId=${patientId}` });
    expect(r.status).toBe(200);
    const actions = (r.body.rows as { action: string; entity: string }[]).map((row) => `${row.action} ${row.entity}`);
    expect(actions).toEqual(expect.arrayContaining(['update patient', 'view patient', 'view worklist']));
  });
});
