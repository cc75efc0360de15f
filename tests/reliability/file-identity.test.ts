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
