/**
 * The file changes underneath the server (issue "Runs for years unattended", item 4): deleted, moved away or
 * copied over, SQLite would go on acknowledging writes into a file nobody reads again. Every write transaction
 * checks that the file at DATABASE_PATH is still the one opened, and refuses with a 503 that says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject, describe, expect, it } from 'vitest';
import { openDatabase, writeTransaction } from '@/db/client';
import { createClinic } from '@/db/factories';
import * as s from '@/db/schema';
import { DatabaseFileChangedError } from '@/lib/errors';
import { errorResponse } from '@/lib/http/api';
import { checkReadiness } from '@/lib/http/readiness';

function freshFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-identity-'));
  const file = path.join(dir, 'clinic.db');
  fs.copyFileSync(inject('templateDb'), file);
  return { dir, file, db: openDatabase(file) };
}
const clinicCount = (db: ReturnType<typeof openDatabase>) => db.select().from(s.clinics).all().length;

describe('a write after the database file changed underneath', () => {
  it('is accepted while the file is the one opened', () => {
    const { db } = freshFile();
    writeTransaction(db, (tx) => createClinic(tx, { name: 'A', timeZone: 'UTC' }));
    expect(clinicCount(db)).toBe(1);
  });

  it('is refused, writing nothing, once the file was moved away or deleted', () => {
    const { db, file, dir } = freshFile();
    fs.renameSync(file, path.join(dir, 'moved.db'));
    expect(() => writeTransaction(db, (tx) => createClinic(tx, { name: 'B', timeZone: 'UTC' }))).toThrow(
      DatabaseFileChangedError,
    );
    // db.transaction (the default on every connection) checks too.
    expect(() => db.transaction((tx) => createClinic(tx, { name: 'C', timeZone: 'UTC' }))).toThrow(
      /deleted or moved while the server was running: nothing was saved/,
    );
    expect(clinicCount(db)).toBe(0);
  });

  it('is refused once another file was copied over it, and the API answers 503', async () => {
    const { db, file } = freshFile();
    const other = `${file}.other`;
    fs.copyFileSync(inject('templateDb'), other);
    fs.renameSync(other, file);
    let caught: unknown;
    try {
      writeTransaction(db, (tx) => createClinic(tx, { name: 'D', timeZone: 'UTC' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatabaseFileChangedError);
    const response = errorResponse(caught);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(/replaced while the server was running/);
  });
});

describe('a write after only the write-ahead log was deleted or replaced', () => {
  // rm clinic.db-wal while the server ran: 99 of 297 later writes were lost at the next start, with no error.
  it('is refused with a 503 that names the log, writing nothing; /readyz names the file check', async () => {
    const { db, file } = freshFile();
    writeTransaction(db, (tx) => createClinic(tx, { name: 'Before', timeZone: 'UTC' }));
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    fs.rmSync(`${file}-wal`);
    let caught: unknown;
    try {
      writeTransaction(db, (tx) => createClinic(tx, { name: 'After', timeZone: 'UTC' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatabaseFileChangedError);
    const response = errorResponse(caught);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /write-ahead log \(DATABASE_PATH-wal\) was deleted while the server was running.*nothing was saved/,
    );
    expect(db.select().from(s.clinics).all().map((c) => c.name)).toEqual(['Before']);
    const ready = checkReadiness(() => db, { databasePath: file, minFreeMb: 0, maxBackupAgeHours: 0, now: Date.now() });
    expect(ready.failing).toEqual(['file']);
    expect(ready.checks.file?.detail).toMatch(/write-ahead log .* was deleted/);
  });

  it("is refused once another file was put in the log's place", () => {
    const { db, file } = freshFile();
    writeTransaction(db, (tx) => createClinic(tx, { name: 'Before', timeZone: 'UTC' }));
    fs.copyFileSync(`${file}-wal`, `${file}-wal.copy`);
    fs.renameSync(`${file}-wal.copy`, `${file}-wal`);
    expect(() => writeTransaction(db, (tx) => createClinic(tx, { name: 'After', timeZone: 'UTC' }))).toThrow(
      /write-ahead log \(DATABASE_PATH-wal\) was replaced/,
    );
  });

  it('a checkpoint that truncates the log is not a change', () => {
    const { db } = freshFile();
    writeTransaction(db, (tx) => createClinic(tx, { name: 'A', timeZone: 'UTC' }));
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    writeTransaction(db, (tx) => createClinic(tx, { name: 'B', timeZone: 'UTC' }));
    expect(clinicCount(db)).toBe(2);
  });
});
