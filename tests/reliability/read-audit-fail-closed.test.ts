/**
 * The read-audit policy (issue 13, item 7) when a clinic chooses to fail closed: READ_AUDIT_FAIL_CLOSED=true
 * refuses a read whose audit row cannot be written, instead of serving it (the default, disk-full.test.ts).
 * The database is really full (PRAGMA max_page_count, filled to the cap), so the audit insert fails with
 * SQLite's own SQLITE_FULL.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRead, pendingReadAudits, resetReadAudits } from '@/db/audit-read';
import { createPatient } from '@/db/factories';
import { audit } from '@/db/queries/audit';
import * as s from '@/db/schema';
import { noteStorageOk } from '@/db/storage-state';
import { ReadAuditRefusedError } from '@/lib/errors';
import { checkReadiness } from '@/lib/http/readiness';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

// Read once by lib/env.ts, at the first env() of this test file's modules.
process.env.READ_AUDIT_FAIL_CLOSED = 'true';
const { GET } = await import('@/app/api/v1/patients/[id]/route');

let ctx: ApiTestContext;
let patientId: number;

const views = () =>
  ctx.db
    .select({ id: s.auditLog.id })
    .from(s.auditLog)
    .where(and(eq(s.auditLog.action, 'view'), eq(s.auditLog.entity, 'patient'), eq(s.auditLog.entityId, String(patientId)), eq(s.auditLog.actorId, ctx.users.nurse.id)))
    .all().length;

function fillDisk(): void {
  const sqlite = ctx.db.$client;
  sqlite.pragma(`max_page_count = ${Number(sqlite.pragma('page_count', { simple: true }))}`);
  const filler = { id: ctx.users.admin.id, name: 'Filler', clinicId: ctx.clinic.id };
  for (let i = 0; i < 100_000; i++) {
    try {
      audit(ctx.db, filler, 'view', 'patient', patientId);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('SQLITE_FULL');
      return;
    }
  }
  throw new Error('the database never filled up');
}
const freeDisk = () => ctx.db.$client.pragma('max_page_count = 1073741823');

beforeAll(() => {
  ctx = setupApiTest();
  patientId = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'CLOSED-1', givenName: 'Ada', familyName: 'Lindqvist' }).id;
  fillDisk();
});
afterAll(() => {
  freeDisk();
  resetReadAudits();
  noteStorageOk();
});

describe('READ_AUDIT_FAIL_CLOSED=true while the disk is full', () => {
  it('refuses the patient read with 503 and a message saying why, showing nothing of the record', async () => {
    const r = await call(GET, { token: ctx.tokens.nurse, params: { id: String(patientId) } });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatch(/cannot be opened right now: the clinic requires every view to be recorded in the audit trail.*SQLITE_FULL: the disk is full.*Nothing was shown/);
    expect(JSON.stringify(r.body)).not.toMatch(/Lindqvist|CLOSED-1/);
    expect(r.body.patient).toBeUndefined();
    expect(views()).toBe(0);
  });

  it('keeps no row for the refused read, and /readyz counts the refusal', () => {
    expect(pendingReadAudits()).toEqual({ pending: 0, dropped: 0, failed: 1, refused: 1 });
    const ready = checkReadiness(() => ctx.db, { databasePath: ctx.db.$client.name, minFreeMb: 0, maxBackupAgeHours: 0, now: Date.now() });
    expect(ready.checks.storage).toMatchObject({ ok: false, code: 'SQLITE_FULL', failedReadAudits: 1, refusedReadAudits: 1, pendingReadAudits: 0 });
  });

  it('the policy is per call: failing open serves it and keeps the row, as the default does', () => {
    const actor = { id: ctx.users.nurse.id, name: 'Nurse', clinicId: ctx.clinic.id };
    expect(() => auditRead(ctx.db, actor, 'patient', patientId, null, Date.now(), true)).toThrow(ReadAuditRefusedError);
    expect(() => auditRead(ctx.db, actor, 'patient', patientId, null, Date.now(), false)).not.toThrow();
    expect(pendingReadAudits()).toMatchObject({ pending: 1, failed: 3, refused: 2 });
  });

  it('once space returns the read is served and audited at once', async () => {
    freeDisk();
    const r = await call(GET, { token: ctx.tokens.nurse, params: { id: String(patientId) } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.patient).toMatchObject({ id: patientId, familyName: 'Lindqvist' });
    // The kept row (from the fail-open call above) and this view's.
    expect(views()).toBe(2);
  });
});
