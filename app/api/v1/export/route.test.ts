import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { clinicBackupStream } from '@/db/clinic-backup';
import { createClinic, createPatient } from '@/db/factories';
import * as s from '@/db/schema';
import { appointmentsTable, auditTable, patientsTable, programsTable, pumpsTable, visitsTable } from '@/lib/export/tables';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from '@/tests/api';
import { freshDb } from '@/tests/db';
import { GET as backup } from './backup/route';
import { GET as exportZip } from './route';

let ctx: ApiTestContext;
let ours: ReturnType<typeof addBaclofenPump>;

async function download(token: string | undefined): Promise<{ status: number; files: Record<string, string>; headers: Headers; body: unknown }> {
  const { NextRequest } = await import('next/server');
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const response = await exportZip(new NextRequest('http://localhost:3000/api/v1/export', { headers }), { params: Promise.resolve({}) });
  if (response.status !== 200) return { status: response.status, files: {}, headers: response.headers, body: await response.json() };
  const zip = unzipSync(new Uint8Array(await response.arrayBuffer()));
  return { status: 200, files: Object.fromEntries(Object.entries(zip).map(([k, v]) => [k, strFromU8(v)])), headers: response.headers, body: null };
}

const rowsOf = (csv: string): Record<string, string>[] => parse<Record<string, string>>(csv, { columns: true, bom: true });
function headerOf(csv: string): string[] {
  const lines: string[][] = parse(csv, { bom: true, to_line: 1 });
  return lines[0] ?? [];
}

beforeAll(() => {
  ctx = setupApiTest();
  ours = addBaclofenPump(ctx, { mrn: 'EXP-1', patient: { familyName: '=HYPERLINK("http://evil")', givenName: 'Zoë' } });
  addBaclofenPump(ctx, { mrn: 'OTHER-1', clinicId: ctx.otherClinic.id });
});

describe('GET /api/v1/export (the clinic as a ZIP of CSV files)', () => {
  it('gives an admin every table with the README’s columns, in the export’s units, and only this clinic', async () => {
    const { status, files, headers } = await download(ctx.tokens.admin);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/zip');
    expect(Object.keys(files).sort()).toEqual(['README.md', 'appointments.csv', 'audit.csv', 'patients.csv', 'programs.csv', 'pumps.csv', 'visits.csv']);
    for (const spec of [patientsTable, pumpsTable, programsTable, visitsTable, appointmentsTable, auditTable]) {
      expect(headerOf(files[spec.file]!)).toEqual(spec.columns.map((c) => c.name));
      for (const column of spec.columns) expect(files['README.md']).toContain(`| \`${column.name}\` | ${column.description} |`);
    }
    const patients = rowsOf(files['patients.csv']!);
    expect(patients.map((p) => p.mrn)).toEqual(['EXP-1']);
    // A cell a spreadsheet would run is neutralised; accents survive (UTF-8 with a BOM).
    expect(patients[0]).toMatchObject({ family_name: `'=HYPERLINK("http://evil")`, given_name: 'Zoë', risk_prior_withdrawal: 'false' });
    const [pump] = rowsOf(files['pumps.csv']!);
    expect(pump).toMatchObject({ serial: ours.pump.serial, model_number: '8637-20', reservoir_ml: '20', patient_mrn: 'EXP-1', status: 'active' });
    const [program] = rowsOf(files['programs.csv']!);
    expect(program).toMatchObject({ dose_mcg_per_day: '250', concentration_mcg_per_ml: '500', mode: 'simple', superseded_at: '', pump_serial: ours.pump.serial });
    const [visit] = rowsOf(files['visits.csv']!);
    expect(visit).toMatchObject({ kind: 'initial-fill', volume_filled_ml: '20', pump_id: String(ours.pump.id) });
  });

  it('audits the export, and the ZIP’s audit.csv includes that row', async () => {
    const { files } = await download(ctx.tokens.admin);
    const audit = rowsOf(files['audit.csv']!);
    expect(audit.at(-1)).toMatchObject({ action: 'export', entity: 'clinic', entity_id: String(ctx.clinic.id), actor_id: ctx.users.admin.id });
    const rows = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'clinic')).all();
    expect(rows.length).toBeGreaterThanOrEqual(1);
  });

  it('is for admins only: 403 for clinical roles, 401 without credentials', async () => {
    for (const role of ['physician', 'nurse', 'front-desk'] as const) expect((await download(ctx.tokens[role])).status).toBe(403);
    expect((await download(undefined)).status).toBe(401);
  });
});

describe('GET /api/v1/export/backup (the SQLite backup)', () => {
  it('is refused while the database holds other clinics, whose records the file would carry', async () => {
    const res = await call(backup, { url: '/api/v1/export/backup', token: ctx.tokens.admin });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/holds 2 clinics/);
    expect((await call(backup, { url: '/api/v1/export/backup', token: ctx.tokens.nurse })).status).toBe(403);
  });

  it('streams a complete, openable copy of a one-clinic database and leaves no file behind', async () => {
    const db = freshDb();
    const clinic = createClinic(db, { name: 'Solo Clinic' });
    createPatient(db, { clinicId: clinic.id, mrn: 'SOLO-1' });
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('clinic-backup-'));
    const { stream, bytes } = await clinicBackupStream(db, clinic.id);
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('clinic-backup-'))).toEqual(before);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'backup-check-')), 'copy.db');
    fs.writeFileSync(file, Buffer.concat(chunks));
    expect(fs.statSync(file).size).toBe(bytes);
    const copy = new Database(file, { readonly: true });
    expect(copy.prepare('select mrn from patients').all()).toEqual([{ mrn: 'SOLO-1' }]);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });
});
