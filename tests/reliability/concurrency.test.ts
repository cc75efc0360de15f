/**
 * Two connections on one file (issue "Runs for years unattended", item 3). Write transactions open with BEGIN
 * IMMEDIATE (db/client.ts writeTransaction), so a writer that meets another process's write lock waits for it
 * and then reads what it committed: a lost edit race is a 409, never a 500. A lock held past the busy timeout
 * answers 503 with Retry-After and writes nothing.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTransaction, type Db } from '../../db/client';
import { createClinic } from '../../db/factories';
import { getClinicSettings } from '../../db/queries/settings';
import { updateClinicSettings } from '../../lib/clinic/settings';
import * as s from '../../db/schema';
import { ConflictError } from '../../lib/errors';
import { errorResponse } from '../../lib/http/api';
import { freshDb } from '../db';

const holder = path.join(import.meta.dirname, 'hold-write-lock.mjs');
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** Starts another process that holds the write lock for `holdMs`; resolves once it holds it. */
function otherProcessHoldsWriteLock(
  file: string,
  holdMs: number,
  statement = '',
): Promise<{ committed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [holder, file, String(holdMs), statement], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    const committed = new Promise<void>((done, fail) => {
      child.on('close', (code) => (code === 0 ? done() : fail(new Error(`holder exited ${code}: ${err}`))));
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('locked')) resolve({ committed });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    committed.catch(reject);
  });
}

function clinicFixture(): { db: Db; file: string; clinicId: number } {
  const db = freshDb();
  cleanups.push(() => db.$client.close());
  const clinic = createClinic(db, { name: 'Race Clinic' });
  return { db, file: db.$client.name, clinicId: clinic.id };
}

describe('write transactions across processes', () => {
  it('the loser of a cross-process edit race gets the 409 (it waited for the winner and read its version)', async () => {
    const { db, file, clinicId } = clinicFixture();
    const actor = { id: 'race-user', name: 'Race Nurse', clinicId, prescribes: false };
    const before = getClinicSettings(db, clinicId);
    // The other process saves first (version + 1) and holds its transaction open for a moment.
    const other = await otherProcessHoldsWriteLock(
      file,
      300,
      `update clinics set version = version + 1, buffer_days = ${before.bufferDays + 1} where id = ${clinicId}`,
    );
    // Deferred, this read the old version and then failed with SQLITE_BUSY(_SNAPSHOT): a 500.
    let error: unknown;
    try {
      updateClinicSettings(
        db,
        actor,
        { version: before.version, dueSoonDays: before.dueSoonDays + 1 },
        Date.now(),
      );
    } catch (e) {
      error = e;
    }
    await other.committed;
    expect(error).toBeInstanceOf(ConflictError);
    expect(errorResponse(error).status).toBe(409);
    const after = getClinicSettings(db, clinicId);
    expect(after.version).toBe(before.version + 1);
    expect(after.dueSoonDays).toBe(before.dueSoonDays);
  });

  it('a write lock held past the busy timeout answers 503 with Retry-After, and nothing is written', async () => {
    const { db, file } = clinicFixture();
    db.$client.pragma('busy_timeout = 200'); // the app waits 5 s; the test need not
    const clinicsBefore = db.select({ n: count() }).from(s.clinics).get()!.n;
    const other = await otherProcessHoldsWriteLock(file, 1500);
    let error: unknown;
    try {
      writeTransaction(db, (tx) => {
        createClinic(tx, { name: 'Never Saved' });
      });
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('SQLITE_BUSY');
    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(((await response.json()) as { error: string }).error).toMatch(/busy.*Nothing was saved/);
    await other.committed;
    expect(db.select({ n: count() }).from(s.clinics).get()!.n).toBe(clinicsBefore);
    expect(db.select().from(s.clinics).where(eq(s.clinics.name, 'Never Saved')).get()).toBeUndefined();
  });

  it('db.transaction on an app connection opens BEGIN IMMEDIATE too', async () => {
    const { db, file } = clinicFixture();
    db.$client.pragma('busy_timeout = 200');
    const other = await otherProcessHoldsWriteLock(file, 1000);
    // A transaction that only reads would succeed in deferred mode; immediate asks for the write lock first.
    expect(() => db.transaction((tx) => tx.select({ n: count() }).from(s.clinics).get())).toThrow(
      /database is locked/,
    );
    await other.committed;
  });
});
