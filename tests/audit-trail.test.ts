/**
 * The audit trail (issue 14, item 7): authentication events with address and user agent; append-only by
 * SQLite triggers; a hash chain that names the first broken row.
 */
import { execFileSync } from 'node:child_process';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { createClinic } from '@/db/factories';
import { call, setupApiTest, type ApiTestContext } from './api';
import { freshDb } from './db';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { POST: authPost } = await import('@/app/api/auth/[...all]/route');
const { createStaff } = await import('@/db/queries/staff');
const { audit, verifyAuditChain } = await import('@/db/queries/audit');
const { MAX_FAILURES } = await import('@/lib/auth/throttle');

let ctx: ApiTestContext;
const password = 'Quiet-Harbor-Lantern-42';
const origin = 'http://localhost:3000';
const ua = 'Mozilla/5.0 (audit test)';

function signIn(email: string, pw: string, ip = '198.51.100.20') {
  return call(authPost, { method: 'POST', url: '/api/auth/sign-in/email', body: { email, password: pw }, headers: { origin, 'x-forwarded-for': ip, 'user-agent': ua } });
}
const rowsFor = (action: string, label?: string) =>
  ctx.db.select().from(s.auditLog).where(label ? and(eq(s.auditLog.action, action), eq(s.auditLog.actorLabel, label)) : eq(s.auditLog.action, action)).all();

beforeAll(async () => {
  ctx = setupApiTest();
  await createStaff(ctx.db, { id: ctx.users.admin.id, name: 'Admin', clinicId: ctx.clinic.id }, { name: 'Audit Nurse', email: 'audited@test.invalid', role: 'nurse', password });
});

describe('authentication events', () => {
  it('sign-in, failed sign-in, lockout and sign-out leave rows with address and user agent', async () => {
    const ok = await signIn('audited@test.invalid', password);
    expect(ok.status).toBe(200);
    const signInRow = rowsFor('sign-in', 'Audit Nurse').at(-1)!;
    expect(signInRow).toMatchObject({ clinicId: ctx.clinic.id, ipAddress: '198.51.100.20', userAgent: ua, entity: 'session' });

    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await call(authPost, { method: 'POST', url: '/api/auth/sign-out', body: {}, headers: { origin, cookie, 'x-forwarded-for': '198.51.100.20', 'user-agent': ua } })).status).toBe(200);
    expect(rowsFor('sign-out', 'Audit Nurse')).toHaveLength(1);

    for (let i = 0; i <= MAX_FAILURES; i++) await signIn('audited@test.invalid', 'a wrong guess again', '198.51.100.21');
    const failed = rowsFor('sign-in-failed', 'Audit Nurse');
    expect(failed.length).toBeGreaterThanOrEqual(MAX_FAILURES);
    expect(failed[0]).toMatchObject({ ipAddress: '198.51.100.21', userAgent: ua, actorId: expect.any(String) });
    expect(rowsFor('lockout', 'Audit Nurse')).toHaveLength(1);
    // Never the password typed.
    expect(JSON.stringify(failed)).not.toContain('a wrong guess again');
  });

  it('a failed sign-in for an email with no account names the email and no clinic', async () => {
    await signIn('nobody@test.invalid', 'whatever it is');
    expect(rowsFor('sign-in-failed', 'nobody@test.invalid')[0]).toMatchObject({ clinicId: null, actorId: null });
  });
});

describe('append-only and tamper-evident', () => {
  it('SQLite refuses UPDATE and DELETE of audit rows', () => {
    expect(() => ctx.db.update(s.auditLog).set({ actorLabel: 'someone else' }).run()).toThrow(/append-only/);
    expect(() => ctx.db.delete(s.auditLog).run()).toThrow(/append-only/);
  });

  it('the chain verifies, and an edit made around the triggers is found at its row', () => {
    audit(ctx.db, { id: ctx.users.nurse.id, name: 'Test nurse', clinicId: ctx.clinic.id }, 'view', 'patient', 1, null, { page: 'record' });
    const check = verifyAuditChain(ctx.db);
    expect(check).toMatchObject({ ok: true });
    expect(check.rows).toBeGreaterThan(5);

    const target = rowsFor('sign-in', 'Audit Nurse')[0]!;
    // Someone with the file drops the trigger and edits a row.
    ctx.db.$client.exec('DROP TRIGGER audit_log_no_update');
    ctx.db.$client.prepare("UPDATE audit_log SET ip_address = '10.9.9.9' WHERE id = ?").run(target.id);
    expect(verifyAuditChain(ctx.db)).toMatchObject({ ok: false, brokenAt: target.id, reason: expect.stringMatching(/edited/) });
    const cli = (() => {
      try {
        execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'db/audit-verify-cli.ts', ctx.db.$client.name], { encoding: 'utf8', stdio: 'pipe' });
        return { status: 0, stderr: '' };
      } catch (error) {
        const e = error as { status: number; stderr: string };
        return { status: e.status, stderr: e.stderr };
      }
    })();
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`broken at row ${target.id}`);
  });

  it('a removed row breaks the chain at the row after it', () => {
    const db = freshDb();
    const clinic = createClinic(db, { name: 'Chain Clinic', timeZone: 'UTC' });
    const actor = { id: 'u1', name: 'Chain tester', clinicId: clinic.id };
    for (let i = 1; i <= 4; i++) audit(db, actor, 'view', 'patient', i);
    expect(verifyAuditChain(db).ok).toBe(true);
    const ids = db.select({ id: s.auditLog.id }).from(s.auditLog).all().map((r) => r.id);
    db.$client.exec('DROP TRIGGER audit_log_no_delete');
    db.$client.prepare('DELETE FROM audit_log WHERE id = ?').run(ids[1]);
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: ids[2], reason: expect.stringMatching(/removed/) });
  });
});
