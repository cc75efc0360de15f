/**
 * A full disk must not stop people reading (issue 13, item 7). While the disk was full, opening a patient failed
 * 65 % of the time because each view writes an audit row, and sign-in failed with an empty body. Here the
 * database is really full: its size is capped with PRAGMA max_page_count and filled to the cap, so SQLite itself
 * answers SQLITE_FULL, as on a full disk. Reads are served and their audit rows kept until space returns; writes
 * are refused with a message that says the disk is full; /readyz names it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingReadAudits, resetReadAudits } from '@/db/audit-read';
import { createPatient, createPump, DAY_MS } from '@/db/factories';
import { audit } from '@/db/queries/audit';
import { createStaff } from '@/db/queries/staff';
import * as s from '@/db/schema';
import { noteStorageOk } from '@/db/storage-state';
import { checkReadiness } from '@/lib/http/readiness';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { GET, PATCH } = await import('@/app/api/v1/patients/[id]/route');
const { POST: authPost } = await import('@/app/api/auth/[...all]/route');

let ctx: ApiTestContext;
const password = 'a long enough password';

function addPatient(mrn: string): number {
  const drug = ctx.catalog.drugs.get('Lioresal Intrathecal')!;
  const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn, givenName: 'Grace', familyName: 'Thompson' });
  createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get('8637-20')!,
    serial: `SN-${mrn}`,
    implantedOn: '2024-01-01',
    program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
    filledAt: Date.now() - 10 * DAY_MS,
    fillMl: 20,
  });
  return patient.id;
}

const views = (patientId: number) =>
  ctx.db
    .select({ actorId: s.auditLog.actorId, after: s.auditLog.after })
    .from(s.auditLog)
    .where(and(eq(s.auditLog.action, 'view'), eq(s.auditLog.entity, 'patient'), eq(s.auditLog.entityId, String(patientId))))
    .all();

/**
 * Caps the file at its current size and fills it with view rows shaped like the ones the test will write (the
 * admin's, so the nurse's views are not de-duplicated away), until SQLite answers SQLITE_FULL.
 */
function fillDisk(patientId: number): void {
  const sqlite = ctx.db.$client;
  sqlite.pragma(`max_page_count = ${Number(sqlite.pragma('page_count', { simple: true }))}`);
  const admin = { id: ctx.users.admin.id, name: 'Filler', clinicId: ctx.clinic.id };
  for (let i = 0; i < 100_000; i++) {
    try {
      audit(ctx.db, admin, 'view', 'patient', patientId);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('SQLITE_FULL');
      return;
    }
  }
  throw new Error('the database never filled up');
}

const freeDisk = () => ctx.db.$client.pragma('max_page_count = 1073741823');
const readiness = () => checkReadiness(() => ctx.db, { databasePath: ctx.db.$client.name, minFreeMb: 0, maxBackupAgeHours: 0, now: Date.now() });

let patientId: number;
let other: number;
beforeAll(async () => {
  ctx = setupApiTest();
  const actor = { id: ctx.users.admin.id, name: 'Admin', clinicId: ctx.clinic.id };
  await createStaff(ctx.db, actor, { name: 'Full Disk', email: 'full@test.invalid', role: 'nurse', password });
  patientId = addPatient('FULL-1');
  other = addPatient('FULL-2');
  fillDisk(patientId);
});
afterAll(() => {
  freeDisk();
  resetReadAudits();
  noteStorageOk();
});

describe('while the disk is full', () => {
  let viewedAt: number;
  it('a patient record is served; its view audit row is kept in memory; /readyz says the disk is full', async () => {
    const before = views(patientId).length;
    viewedAt = Date.now();
    const r = await call(GET, { token: ctx.tokens.nurse, params: { id: String(patientId) } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.patient).toMatchObject({ id: patientId, givenName: 'Grace' });
    expect(views(patientId)).toHaveLength(before);
    // Served (the default policy), the failure counted.
    expect(pendingReadAudits()).toEqual({ pending: 1, dropped: 0, failed: 1, refused: 0 });

    const ready = readiness();
    expect(ready.status).toBe('not ready');
    expect(ready.failing).toContain('storage');
    expect(ready.checks.storage).toMatchObject({ ok: false, code: 'SQLITE_FULL', pendingReadAudits: 1, failedReadAudits: 1, refusedReadAudits: 0, detail: expect.stringMatching(/disk is full/) });
  });

  it('a write is refused with 503 and a message that says the disk is full; nothing is written', async () => {
    const r = await call(PATCH, { method: 'PATCH', token: ctx.tokens.nurse, params: { id: String(other) }, body: { version: 1, notes: 'Seen in clinic' } });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatch(/disk is full\. Nothing was saved/);
    const row = ctx.db.select({ notes: s.patients.notes, version: s.patients.version }).from(s.patients).where(eq(s.patients.id, other)).get();
    expect(row).toEqual({ notes: '', version: 1 });
  });

  it('sign-in answers 503 saying the disk is full (a session cannot be stored), not an empty 500', async () => {
    // A new session row may still fit a page with room left, on a full disk as here; so that this test does not
    // depend on where its random token lands, the session insert is failed with SQLite's own SQLITE_FULL error.
    ctx.db.$client.function('disk_full', () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    });
    ctx.db.$client.exec('create temp trigger sessions_full before insert on sessions begin select disk_full(); end');
    const r = await call(authPost, {
      method: 'POST',
      url: '/api/auth/sign-in/email',
      body: { email: 'full@test.invalid', password },
      headers: { origin: 'http://localhost:3000' },
    });
    ctx.db.$client.exec('drop trigger sessions_full');
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ code: 'STORAGE_FULL', message: expect.stringMatching(/disk is full/) });
  });

  it('when space returns, writes succeed and /readyz is ready; the kept row is written with the time of the view', async () => {
    freeDisk();
    const write = await call(PATCH, { method: 'PATCH', token: ctx.tokens.nurse, params: { id: String(other) }, body: { version: 1, notes: 'Seen in clinic' } });
    expect(write.status).toBe(200);
    expect(readiness().checks.storage).toMatchObject({ ok: true, pendingReadAudits: 1 });

    const r = await call(GET, { token: ctx.tokens.nurse, params: { id: String(other) } });
    expect(r.status).toBe(200);
    expect(pendingReadAudits().pending).toBe(0);
    const late = views(patientId).filter((v) => v.actorId === ctx.users.nurse.id);
    expect(late).toHaveLength(1);
    const after = late[0]!.after as { viewedAt: string; recordedLate: boolean };
    expect(after.recordedLate).toBe(true);
    expect(Math.abs(Date.parse(after.viewedAt) - viewedAt)).toBeLessThan(1000);
    expect(views(other).filter((v) => v.actorId === ctx.users.nurse.id)).toHaveLength(1);
    expect(readiness().failing).not.toContain('storage');
  });
});
