import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createPatient, createPump, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { NotFoundError } from '@/lib/errors';
import { setupApiTest, type ApiTestContext } from '@/tests/api';
import { pagePumpId } from './refills';

let ctx: ApiTestContext;
let patientId: number;
let older: number;
let newer: number;

beforeAll(() => {
  ctx = setupApiTest();
  const model = ctx.catalog.models.get('8637-20')!;
  const drug = ctx.catalog.drugs.get('Lioresal Intrathecal')!;
  patientId = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'PP-1' }).id;
  const pump = (serial: string, implantedOn: string) =>
    createPump(ctx.db, {
      patientId,
      model,
      serial,
      implantedOn,
      program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
      filledAt: Date.now() - DAY_MS,
      fillMl: 20,
    }).pump.id;
  older = pump('OLD', '2020-01-01');
  newer = pump('NEW', '2025-01-01');
});

describe('pagePumpId', () => {
  it("picks the patient's newest active pump, or the one asked for", () => {
    expect(pagePumpId(ctx.db, ctx.clinic.id, String(patientId), undefined)).toBe(newer);
    expect(pagePumpId(ctx.db, ctx.clinic.id, String(patientId), String(older))).toBe(older);
  });

  it("refuses another clinic's patient, an explanted pump and a malformed id as not found", () => {
    expect(() => pagePumpId(ctx.db, ctx.otherClinic.id, String(patientId), undefined)).toThrow(NotFoundError);
    expect(() => pagePumpId(ctx.db, ctx.clinic.id, 'x1', undefined)).toThrow(NotFoundError);
    ctx.db.update(s.pumps).set({ status: 'explanted' }).where(eq(s.pumps.id, older)).run();
    expect(() => pagePumpId(ctx.db, ctx.clinic.id, String(patientId), String(older))).toThrow(NotFoundError);
  });
});
