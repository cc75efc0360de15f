/** POST/GET /api/v1/patients/{id}/contacts and PATCH /api/v1/follow-ups/{id}: outreach:write, clinic isolation, 400 naming the field. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPatient } from '@/db/factories';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { GET, POST } = await import('./route');
const { PATCH } = await import('../../../follow-ups/[id]/route');

let ctx: ApiTestContext;
let patientId: number;
const post = (token: string | null, body: unknown, id = patientId) => call(POST, { method: 'POST', token, body, params: { id: String(id) } });

beforeAll(() => {
  ctx = setupApiTest();
  patientId = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'OUT-1', givenName: 'Ann', familyName: 'Lee', phone: '+1 555 0100 1234' }).id;
});

describe('contact attempts through the API', () => {
  it('lets nurse, physician and front desk log an attempt; not the admin; 401 without a token', async () => {
    for (const role of ['nurse', 'physician', 'front-desk'] as const) expect((await post(ctx.tokens[role], { outcome: 'no-answer' })).status).toBe(201);
    expect((await post(ctx.tokens.admin, { outcome: 'no-answer' })).status).toBe(403);
    expect((await post(null, { outcome: 'no-answer' })).status).toBe(401);
    const log = await call(GET, { token: ctx.tokens['front-desk'], params: { id: String(patientId) } });
    expect(log.body.attempts).toHaveLength(3);
  });

  it('answers 400 naming the field for a bad outcome or follow-up date, and 404 for another clinic’s patient', async () => {
    const bad = await post(ctx.tokens.nurse, { outcome: 'emailed' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.outcome).toMatch(/Outcome must be one of: reached, voicemail/);
    const date = await post(ctx.tokens.nurse, { outcome: 'voicemail', followUp: { dueOn: '2026-02-30', assigneeId: ctx.users.nurse.id } });
    expect(date.body.fields['followUp.dueOn']).toBe('Follow-up date is not a real calendar date');
    expect((await post(ctx.tokens.otherClinicNurse, { outcome: 'voicemail' })).status).toBe(404);
  });

  it('creates a follow-up with the attempt and closes it with its version (409 when stale)', async () => {
    const created = await post(ctx.tokens.nurse, { outcome: 'voicemail', note: 'Call back', followUp: { dueOn: '2099-01-04', assigneeId: ctx.users['front-desk'].id } });
    expect(created.status).toBe(201);
    const task = created.body.followUps.find((f: { dueOn: string }) => f.dueOn === '2099-01-04');
    const patch = (version: number) => call(PATCH, { method: 'PATCH', token: ctx.tokens['front-desk'], body: { version, done: true }, params: { id: String(task.id) } });
    expect((await patch(task.version)).status).toBe(200);
    expect((await patch(task.version)).status).toBe(409);
  });
});
