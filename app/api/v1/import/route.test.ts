import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as s from '@/db/schema';
import { guessMapping, type ImportMapping } from '@/lib/import';
import { setupApiTest, type ApiTestContext } from '@/tests/api';
import { POST as dryRun } from './dry-run/route';
import { GET as getMapping, POST as postMapping } from './mapping/route';
import { POST as preview } from './preview/route';
import { POST as importFile } from './route';

const NOW = Date.parse('2026-03-10T15:00:00Z'); // Tue 10 Mar 2026, 10:00 in Chicago

let ctx: ApiTestContext;
const fixture = (name: string) =>
  new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, '../../../../tests/fixtures/import', name)));

type Handler = (
  request: NextRequest,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

async function send(
  handler: Handler,
  token: string,
  file: { name: string; data: Uint8Array<ArrayBuffer> | string } | null,
  mapping?: ImportMapping,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  if (file) form.set('file', new File([file.data], file.name));
  if (mapping) form.set('mapping', JSON.stringify(mapping));
  const request = new NextRequest(new URL('/api/v1/import', 'http://localhost:3000'), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const response = await handler(request, { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json() };
}

const mappingOf = (csv: string): ImportMapping => ({
  columns: guessMapping(
    csv
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0]!
      .split(','),
  ),
  dateOrder: 'MDY',
  defaultSpasticityOrigin: 'spinal',
});

const counts = () => ({
  patients: ctx.db.select({ id: s.patients.id }).from(s.patients).all().length,
  pumps: ctx.db.select({ id: s.pumps.id }).from(s.pumps).all().length,
  visits: ctx.db.select({ id: s.refillVisits.id }).from(s.refillVisits).all().length,
  appointments: ctx.db.select({ id: s.appointments.id }).from(s.appointments).all().length,
  audit: ctx.db.select({ id: s.auditLog.id }).from(s.auditLog).all().length,
});

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ctx = setupApiTest();
});
afterAll(() => vi.useRealTimers());

const text = (name: string) =>
  fs.readFileSync(path.join(import.meta.dirname, '../../../../tests/fixtures/import', name), 'utf8');
const clean = () => ({ name: 'clinic.csv', data: fixture('clean.csv') });
const messy = () => ({ name: 'messy.csv', data: fixture('messy.csv') });

describe('importing a clinic spreadsheet', () => {
  it('previews the headers with a guessed mapping; refuses an admin and a front-desk account', async () => {
    const res = await send(preview, ctx.tokens.nurse, clean());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fileName: 'clinic.csv', rowCount: 3, fromSavedMapping: false });
    expect(res.body.mapping.columns).toMatchObject({
      mrn: 'MRN',
      serial: 'Serial #',
      lastRefillVolume: 'Volume (mL)',
    });
    expect(res.body.mapping.defaultSpasticityOrigin).toBeNull();
    expect((await send(preview, ctx.tokens.admin, clean())).status).toBe(403);
    expect((await send(preview, ctx.tokens['front-desk'], clean())).status).toBe(403);
  });

  it('refuses a request without a file and a mapping that leaves a required field unmapped, naming it', async () => {
    const none = await send(dryRun, ctx.tokens.nurse, null);
    expect(none.status).toBe(400);
    expect(none.body.fields.file).toMatch(/CSV or XLSX/);
    const csv = text('clean.csv');
    const mapping = mappingOf(csv);
    const res = await send(dryRun, ctx.tokens.nurse, clean(), {
      ...mapping,
      columns: { ...mapping.columns, serial: null },
    });
    expect(res.status).toBe(400);
    expect(res.body.fields.mapping).toMatch(/Pump serial: choose the column/);
  });

  it('a dry run of the messy file reports every problem by row and column and writes nothing', async () => {
    const before = counts();
    const csv = text('messy.csv');
    const res = await send(dryRun, ctx.tokens.nurse, messy(), mappingOf(csv));
    expect(res.status).toBe(200);
    expect(counts()).toEqual(before);
    expect(res.body.committed).toBe(false);
    expect(res.body.counts).toEqual({ rows: 6, create: 0, alreadyPresent: 0, problems: 6 });
    const problems = res.body.rows.flatMap((r: { problems: unknown[] }) => r.problems);
    expect(problems).toContainEqual({
      rowNumber: 2,
      column: 'Conc',
      message:
        'Concentration: 1500 mcg/mL — Concentration must be one of Lioresal Intrathecal’s: 50 mcg/mL, 500 mcg/mL, 2000 mcg/mL.',
    });
    expect(problems).toContainEqual({
      rowNumber: 5,
      column: 'Last refill date',
      message: 'Last refill date: 3/20/2026 — The initial fill must not be in the future.',
    });
    expect(problems).toContainEqual(
      expect.objectContaining({
        rowNumber: 7,
        column: 'Refill volume',
        message: expect.stringMatching(/^Last refill volume \(mL\): 45 — Fill volume must be at most 20 mL/),
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        rowNumber: 4,
        column: 'MRN',
        message: expect.stringMatching(/also on row 2/),
      }),
    );
    expect(problems).toContainEqual(expect.objectContaining({ rowNumber: 3, column: 'Date of birth' }));
  });

  it('an import with any problem writes nothing (422 with the report)', async () => {
    const before = counts();
    const csv = text('messy.csv');
    const res = await send(importFile, ctx.tokens.nurse, messy(), mappingOf(csv));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/Nothing was imported: 6 of 6 rows/);
    expect(counts()).toEqual(before);
  });

  it('a clean file: the dry run shows what will be created, the import creates it with forecasts, audited, and saves the mapping', async () => {
    const csv = text('clean.csv');
    const mapping = mappingOf(csv);
    const before = counts();
    const dry = await send(dryRun, ctx.tokens.nurse, clean(), mapping);
    expect(dry.body.counts).toEqual({ rows: 3, create: 3, alreadyPresent: 0, problems: 0 });
    expect(dry.body.rows.map((r: { summary: { mrn: string } }) => r.summary.mrn)).toEqual([
      'A-100',
      'A-101',
      'A-102',
    ]);
    expect(counts()).toEqual(before);

    const res = await send(importFile, ctx.tokens.nurse, clean(), mapping);
    expect(res.status).toBe(201);
    expect(res.body.committed).toBe(true);
    expect(counts()).toMatchObject({
      patients: before.patients + 3,
      pumps: before.pumps + 3,
      visits: before.visits + 3,
    });
    const jane = ctx.db.select().from(s.patients).where(eq(s.patients.mrn, 'A-100')).get()!;
    expect(jane).toMatchObject({
      givenName: 'Jane',
      familyName: 'Doe',
      dateOfBirth: '1970-03-07',
      managingPhysicianId: ctx.users.physician.id,
      spasticityOrigin: 'spinal',
    });
    const ana = ctx.db.select().from(s.patients).where(eq(s.patients.mrn, 'A-102')).get()!;
    expect(ana).toMatchObject({ givenName: 'Ana', familyName: 'Ruiz' });
    const pump = ctx.db.select().from(s.pumps).where(eq(s.pumps.patientId, jane.id)).get()!;
    expect(pump).toMatchObject({ serial: 'NGV1001', implantedOn: '2024-01-15', reservoirUl: 40_000 });
    const forecast = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pump.id)).get();
    expect(forecast?.refillDueOn).toMatch(/^2026-/);
    expect(res.body.rows[0].refillDueOn).toBe(forecast?.refillDueOn);
    const importAudit = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'patient-import')).all();
    expect(importAudit).toHaveLength(1);
    expect(importAudit[0]).toMatchObject({ actorId: ctx.users.nurse.id, action: 'create' });
    expect(importAudit[0]!.after).toMatchObject({ fileName: 'clinic.csv', counts: { create: 3 } });
    // The patients it created, by id: who came into the record through this file.
    const created = ['A-100', 'A-101', 'A-102'].map((mrn) => ctx.db.select().from(s.patients).where(eq(s.patients.mrn, mrn)).get()!.id);
    expect((importAudit[0]!.after as { patientIds: number[] }).patientIds).toEqual(created);
    expect(
      ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'patient')).all().length,
    ).toBeGreaterThanOrEqual(3);

    const saved = await send(preview, ctx.tokens.nurse, clean());
    expect(saved.body.fromSavedMapping).toBe(true);
    expect(saved.body.mapping.defaultSpasticityOrigin).toBe('spinal');
  });

  it('re-importing the same file creates nothing twice: every row is already present', async () => {
    const csv = text('clean.csv');
    const before = counts();
    const res = await send(importFile, ctx.tokens.nurse, clean(), mappingOf(csv));
    expect(res.status).toBe(201);
    expect(res.body.counts).toEqual({ rows: 3, create: 0, alreadyPresent: 3, problems: 0 });
    expect(counts()).toMatchObject({ patients: before.patients, pumps: before.pumps, visits: before.visits });
    const last = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'patient-import')).all().at(-1)!;
    expect((last.after as { patientIds: number[] }).patientIds).toEqual([]);
  });

  it('an MRN already in the clinic with another pump is a problem on its row, and the whole file waits', async () => {
    const csv =
      'MRN,Name,DOB,Pump,Serial,Implant date,Drug,Concentration,Dose,Last refill,Volume\n' +
      'a-100,"Doe, Jane",3/7/1970,8637-40,OTHER-1,1/15/2024,Lioresal,2000,400,2/24/2026,38\n' +
      'N-1,"New, Nina",3/7/1971,8637-40,NEW-1,1/15/2024,Lioresal,2000,400,2/24/2026,38\n';
    const before = counts();
    const res = await send(importFile, ctx.tokens.nurse, { name: 'db-dup.csv', data: csv }, mappingOf(csv));
    expect(res.status).toBe(422);
    expect(res.body.report.rows[0].problems[0]).toMatchObject({
      rowNumber: 2,
      column: 'MRN',
      message: expect.stringMatching(/already Doe, Jane, with pump serial NGV1001/),
    });
    expect(res.body.report.rows[1].status).toBe('create');
    expect(counts()).toEqual(before);
  });

  it('books the next appointment in the same transaction, and a refused one is a problem under its column', async () => {
    const header =
      'MRN,Name,DOB,Pump,Serial,Implant date,Drug,Concentration,Dose,Last refill,Volume,Next appointment\n';
    const good =
      header +
      'P-1,"Appt, Amy",1/1/1970,8637-40,AP-1,1/15/2024,Lioresal,2000,400,2/24/2026,38,3/12/2026 10:00\n';
    const bad =
      header + 'P-2,"Appt, Ben",1/1/1970,8637-40,AP-2,1/15/2024,Lioresal,2000,400,2/24/2026,38,3/14/2026\n';
    const before = counts();
    const refused = await send(importFile, ctx.tokens.nurse, { name: 'b.csv', data: bad }, mappingOf(bad));
    expect(refused.status).toBe(422);
    expect(refused.body.report.rows[0].problems[0]).toMatchObject({
      column: 'Next appointment',
      message: expect.stringMatching(/^Next appointment: 3\/14\/2026 — .*not a clinic day/),
    });
    expect(counts()).toEqual(before);
    const res = await send(importFile, ctx.tokens.nurse, { name: 'g.csv', data: good }, mappingOf(good));
    expect(res.status).toBe(201);
    expect(counts().appointments).toBe(before.appointments + 1);
    const booked = ctx.db.select().from(s.appointments).where(eq(s.appointments.pumpId, ctx.db.select().from(s.pumps).where(eq(s.pumps.serial, 'AP-1')).get()!.id)).get()!;
    expect(booked).toMatchObject({ type: 'refill', notes: 'Imported', status: 'booked' });
  });

  it('saves a mapping on its own, audited, and the next preview starts from it', async () => {
    const csv = text('messy.csv');
    const mapping: ImportMapping = {
      ...mappingOf(csv),
      dateOrder: 'DMY',
      defaultSpasticityOrigin: 'cerebral',
    };
    const req = new NextRequest(new URL('/api/v1/import/mapping', 'http://localhost:3000'), {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.tokens.nurse}`, 'content-type': 'application/json' },
      body: JSON.stringify(mapping),
    });
    expect((await postMapping(req, { params: Promise.resolve({}) })).status).toBe(201);
    const got = await getMapping(
      new NextRequest(new URL('/api/v1/import/mapping', 'http://localhost:3000'), {
        headers: { authorization: `Bearer ${ctx.tokens.nurse}` },
      }),
      { params: Promise.resolve({}) },
    );
    expect(((await got.json()) as { mapping: ImportMapping }).mapping).toMatchObject({
      dateOrder: 'DMY',
      defaultSpasticityOrigin: 'cerebral',
    });
    const res = await send(preview, ctx.tokens.nurse, messy());
    expect(res.body.mapping).toMatchObject({
      dateOrder: 'DMY',
      defaultSpasticityOrigin: 'cerebral',
      columns: { mrn: 'MRN', concentration: 'Conc' },
    });
  });
});
