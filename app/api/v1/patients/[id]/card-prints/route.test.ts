/** POST /api/v1/patients/{id}/card-prints: who may record a print, what is stored, what is refused. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { loadCard } from '@/db/queries/cards';
import * as s from '@/db/schema';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { POST } = await import('./route');

let ctx: ApiTestContext;
let patientId: number;
let pumpId: number;
let programId: number;
let foreign: { patientId: number; pumpId: number };

function addPatient(clinicId: number, mrn: string) {
  const { patient, pump, program } = addBaclofenPump(ctx, { clinicId, mrn, filledDaysAgo: 10 });
  return { patientId: patient.id, pumpId: pump.id, programId: program.id };
}

beforeAll(() => {
  ctx = setupApiTest();
  ({ patientId, pumpId, programId } = addPatient(ctx.clinic.id, 'CARD-1'));
  foreign = addPatient(ctx.otherClinic.id, 'CARD-2');
});

/**
 * The fingerprint the print page sends: of what it showed for the clinic's pump (a foreign pump shows nothing,
 * so any well-formed value). Bodies that test validation are sent as they are.
 */
const withFingerprint = (body: unknown) => {
  if (!body || typeof body !== 'object' || 'extra' in body || !('pumpId' in body) || typeof body.pumpId !== 'number')
    return body;
  const shown = body.pumpId === pumpId ? loadCard(ctx.db, ctx.clinic.id, patientId, pumpId, Date.now()).fingerprint : null;
  return { ...body, fingerprint: shown ?? '0'.repeat(64) };
};

const post = (token: string | null, body: unknown, id = String(patientId)) =>
  call(POST, { method: 'POST', token, body: withFingerprint(body), params: { id }, url: `/api/v1/patients/${id}/card-prints` });

describe('POST card-prints', () => {
  it('records a card print for a nurse (201) with the program shown and an audit row', async () => {
    const r = await post(ctx.tokens.nurse, { pumpId, kind: 'card' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ pumpId, kind: 'card', programId });
    expect(typeof r.body.refillVisitId).toBe('number');
    const audits = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'print')).all();
    expect(audits.map((a) => a.entityId)).toContain(String(r.body.id));
  });

  it('records a letter print for a physician', async () => {
    const r = await post(ctx.tokens.physician, { pumpId, kind: 'letter' });
    expect(r.status).toBe(201);
    expect(r.body.kind).toBe('letter');
  });

  it('refuses roles without cards:print (403) and anonymous callers (401)', async () => {
    expect((await post(ctx.tokens['front-desk'], { pumpId, kind: 'card' })).status).toBe(403);
    expect((await post(ctx.tokens.admin, { pumpId, kind: 'card' })).status).toBe(403);
    expect((await post(null, { pumpId, kind: 'card' })).status).toBe(401);
  });

  it("is 404 for another clinic's patient or pump, and for a pump of another patient", async () => {
    expect((await post(ctx.tokens.otherClinicNurse, { pumpId, kind: 'card' })).status).toBe(404);
    expect(
      (await post(ctx.tokens.nurse, { pumpId: foreign.pumpId, kind: 'card' }, String(foreign.patientId)))
        .status,
    ).toBe(404);
    expect((await post(ctx.tokens.nurse, { pumpId: foreign.pumpId, kind: 'card' })).status).toBe(404);
    expect((await post(ctx.tokens.nurse, { pumpId, kind: 'card' }, 'abc')).status).toBe(404);
  });

  it('explains invalid input per field (400) and stores nothing', async () => {
    const before = ctx.db.select().from(s.cardPrints).all().length;
    const r = await post(ctx.tokens.nurse, { pumpId: 'x', kind: 'poster' });
    expect(r.status).toBe(400);
    expect(r.body.fields).toMatchObject({
      pumpId: expect.stringMatching(/Pump/),
      kind: expect.stringMatching(/card.*letter/),
    });
    expect((await post(ctx.tokens.nurse, { pumpId, kind: 'card', extra: 1 })).status).toBe(400);
    expect(ctx.db.select().from(s.cardPrints).all().length).toBe(before);
  });

  it('refuses a cross-site request from a browser session', async () => {
    const r = await call(POST, {
      method: 'POST',
      body: { pumpId, kind: 'card' },
      params: { id: String(patientId) },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(r.status).toBe(403);
  });
  it('is 400 without a fingerprint and 409 when the page showed an older record, writing nothing', async () => {
    const before = ctx.db.select().from(s.cardPrints).all().length;
    const missing = await call(POST, { method: 'POST', token: ctx.tokens.nurse, body: { pumpId, kind: 'card' }, params: { id: String(patientId) }, url: `/api/v1/patients/${patientId}/card-prints` });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toMatch(/Fingerprint is required/);
    const stale = await call(POST, { method: 'POST', token: ctx.tokens.nurse, body: { pumpId, kind: 'card', fingerprint: 'a'.repeat(64) }, params: { id: String(patientId) }, url: `/api/v1/patients/${patientId}/card-prints` });
    expect(stale.status).toBe(409);
    expect(ctx.db.select().from(s.cardPrints).all()).toHaveLength(before);
  });
});
