/**
 * A refill visit is saved whole or not at all: a failure after the visit row, the new program version and the
 * appointment update are written (here: the forecast refresh fails) leaves none of them behind.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppointment, createPatient, createPump, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { addDaysToLocalDate, localDateOf } from '@/lib/domain/calendar';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';
import type * as Forecasts from '@/db/queries/forecasts';

const failure = vi.hoisted(() => ({ armed: false }));

vi.mock('@/db/queries/forecasts', async (importOriginal) => {
  const original = await importOriginal<typeof Forecasts>();
  return {
    ...original,
    refreshForecasts: (...args: Parameters<typeof original.refreshForecasts>) => {
      if (failure.armed) throw new Error('disk full (simulated) while refreshing the forecast');
      return original.refreshForecasts(...args);
    },
  };
});

const { POST } = await import('./route');

let ctx: ApiTestContext;

beforeAll(() => {
  ctx = setupApiTest();
});

describe('POST /api/v1/pumps/{id}/visits is atomic', () => {
  it('leaves no visit, program version, appointment change or audit row when a later step fails', async () => {
    const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'ATOM-1' });
    const drug = ctx.catalog.drugs.get('Lioresal Intrathecal')!;
    const { pump } = createPump(ctx.db, {
      patientId: patient.id,
      model: ctx.catalog.models.get('8637-20')!,
      serial: 'ATOM',
      implantedOn: '2024-01-01',
      program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
      filledAt: Date.now() - 10 * DAY_MS,
      fillMl: 20,
    });
    const appointment = createAppointment(ctx.db, { pumpId: pump.id, startsAt: Date.now() - 60_000 });
    const count = (table: typeof s.refillVisits | typeof s.drugPrograms | typeof s.auditLog) =>
      ctx.db.select().from(table).all().length;
    const before = {
      visits: count(s.refillVisits),
      programs: count(s.drugPrograms),
      audits: count(s.auditLog),
    };

    failure.armed = true;
    const body = {
      aspiratedResidualMl: 15,
      volumeFilledMl: 20,
      drugId: drug.id,
      drugLot: 'LOT-A',
      drugExpiresOn: addDaysToLocalDate(localDateOf(Date.now(), 'America/Chicago'), 100),
      concentrationMcgPerMl: 500,
      residualCheckedBeforeFill: true,
      needlePlacementConfirmed: true,
      fillConfirmationMethod: 'aspiration-back',
      // A dose change, so that a program version is written too before the failure.
      newDoseMcgPerDay: 300,
    };
    const r = await call(POST, {
      method: 'POST',
      token: ctx.tokens.physician,
      body,
      params: { id: String(pump.id) },
    });
    expect(r.status).toBe(500);
    expect(r.body.error).toMatch(/Nothing was saved/);
    expect(r.body.error).not.toMatch(/disk full/);
    expect({
      visits: count(s.refillVisits),
      programs: count(s.drugPrograms),
      audits: count(s.auditLog),
    }).toEqual(before);
    expect(
      ctx.db.select().from(s.appointments).where(eq(s.appointments.id, appointment.id)).get()!.status,
    ).toBe('booked');

    // The same request succeeds once nothing fails: the test above failed for the injected reason only.
    failure.armed = false;
    const ok = await call(POST, {
      method: 'POST',
      token: ctx.tokens.physician,
      body,
      params: { id: String(pump.id) },
    });
    expect(ok.status).toBe(201);
    expect(count(s.refillVisits)).toBe(before.visits + 1);
    expect(count(s.drugPrograms)).toBe(before.programs + 1);
  });
});
