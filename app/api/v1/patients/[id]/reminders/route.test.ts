/** GET/PATCH /api/v1/patients/{id}/reminders: the reminder e-mail and consent with its date, and the history. */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPatient } from '@/db/factories';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { GET, PATCH } = await import('./route');

let ctx: ApiTestContext;
let seq = 0;
function addPatient(phone = '+1 555 0100 1234') {
  seq++;
  return createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: `RM-${seq}`, givenName: 'Ann', familyName: 'Lee', phone });
}
const put = (token: string | null, id: number, body: unknown) => call(PATCH, { method: 'PATCH', token, body, params: { id: String(id) } });
const get = (token: string | null, id: number) => call(GET, { token, params: { id: String(id) } });

beforeAll(() => {
  ctx = setupApiTest();
});

describe('PATCH /api/v1/patients/{id}/reminders', () => {
  it('records the address and consent with its date, keeps the date on a later save, clears it on withdrawal, and audits each', async () => {
    const p = addPatient();
    const first = await put(ctx.tokens.nurse, p.id, { version: p.version, email: 'ann@example.org', emailConsent: true, smsConsent: false });
    expect(first.status).toBe(200);
    expect(first.body.contact).toMatchObject({ email: 'ann@example.org', smsConsentedAt: null, recordedByName: ctx.users.nurse.name, version: p.version + 1 });
    const consentedAt = first.body.contact.emailConsentedAt as number;
    expect(consentedAt).toBeGreaterThan(0);

    const again = await put(ctx.tokens.physician, p.id, { version: p.version + 1, email: 'ann@example.org', emailConsent: true, smsConsent: true });
    expect(again.body.contact.emailConsentedAt).toBe(consentedAt);
    expect(again.body.contact.smsConsentedAt).toBeGreaterThan(0);

    const withdrawn = await put(ctx.tokens.nurse, p.id, { version: p.version + 2, email: 'ann@example.org', emailConsent: false, smsConsent: true });
    expect(withdrawn.body.contact.emailConsentedAt).toBeNull();
    const audits = ctx.db.select().from(s.auditLog).where(and(eq(s.auditLog.entity, 'patient-reminder-consent'), eq(s.auditLog.entityId, String(p.id)))).all();
    expect(audits).toHaveLength(3);
  });

  it('answers 409 for a stale version and writes nothing', async () => {
    const p = addPatient();
    const stale = await put(ctx.tokens.nurse, p.id, { version: p.version + 5, email: 'x@example.org', emailConsent: true, smsConsent: false });
    expect(stale.status).toBe(409);
    expect((await get(ctx.tokens.nurse, p.id)).body.contact).toMatchObject({ email: '', emailConsentedAt: null });
  });

  it('names the field of bad input: a malformed address, consent without an address, SMS consent without a phone', async () => {
    const p = addPatient('');
    const bad = await put(ctx.tokens.nurse, p.id, { version: p.version, email: 'not-an-address', emailConsent: true, smsConsent: false });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.email).toMatch(/address/);
    const noAddress = await put(ctx.tokens.nurse, p.id, { version: p.version, email: '', emailConsent: true, smsConsent: false });
    expect(noAddress.body.fields).toEqual({ email: 'An e-mail address is required for e-mail reminders' });
    const noPhone = await put(ctx.tokens.nurse, p.id, { version: p.version, email: '', emailConsent: false, smsConsent: true });
    expect(noPhone.body.fields.smsConsent).toMatch(/phone/);
    expect((await get(ctx.tokens.nurse, p.id)).body.contact.version).toBe(p.version);
  });

  it('is for physicians and nurses; front desk reads it; another clinic gets 404', async () => {
    const p = addPatient();
    expect((await put(ctx.tokens['front-desk'], p.id, { version: p.version, email: '', emailConsent: false, smsConsent: false })).status).toBe(403);
    const r = await get(ctx.tokens['front-desk'], p.id);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ channels: { email: false, sms: false }, history: [] });
    expect((await get(ctx.tokens.otherClinicNurse, p.id)).status).toBe(404);
  });
});
