/** GET/PATCH /api/v1/notification-settings and PATCH /api/v1/staff/{id}/duty. */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { GET, PATCH } = await import('./route');
const duty = await import('../staff/[id]/duty/route');

let ctx: ApiTestContext;
beforeAll(() => {
  ctx = setupApiTest();
});

const body = { eveningReminderAt: '19:00', morningReminderAt: '07:15', digestAt: '07:45', escalateAfterMinutes: 45, onCallName: 'Dr. On Call', onCallEmail: 'oncall@example.org', onCallPhone: '+15550100000' };

describe('notification settings', () => {
  it('starts from the defaults, saves with the version read (409 on a stale one), and names a bad field', async () => {
    const first = await call(GET, { token: ctx.tokens.nurse });
    expect(first.body.settings).toMatchObject({ eveningReminderAt: '18:00', escalateAfterMinutes: 60, version: 0 });
    const saved = await call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { ...body, version: 0 } });
    expect(saved.status).toBe(200);
    expect(saved.body.settings).toMatchObject({ ...body, version: 1 });
    expect((await call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { ...body, version: 0 } })).status).toBe(409);
    const bad = await call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { ...body, version: 1, digestAt: '25:00', escalateAfterMinutes: 1 } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['digestAt', 'escalateAfterMinutes']);
    expect((await call(GET, { token: ctx.tokens.nurse })).body.settings).toMatchObject({ ...body, version: 1 });
  });

  it('only an admin saves them', async () => {
    expect((await call(PATCH, { method: 'PATCH', token: ctx.tokens.physician, body: { ...body, version: 1 } })).status).toBe(403);
  });

  it('puts a nurse on duty (and off), listed by GET; a staff member of another clinic is 404', async () => {
    const nurse = ctx.users.nurse;
    const on = await call(duty.PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { onDuty: true }, params: { id: nurse.id } });
    expect(on.status).toBe(200);
    expect((await call(GET, { token: ctx.tokens.nurse })).body.onDuty.map((u: { userId: string }) => u.userId)).toEqual([nurse.id]);
    await call(duty.PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { onDuty: false }, params: { id: nurse.id } });
    expect((await call(GET, { token: ctx.tokens.nurse })).body.onDuty).toEqual([]);
    expect((await call(duty.PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { onDuty: 'yes' }, params: { id: nurse.id } })).body.fields.onDuty).toMatch(/true or false/);
    expect((await call(duty.PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { onDuty: true }, params: { id: 'someone-else' } })).status).toBe(404);
  });
});
