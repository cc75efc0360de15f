/**
 * The file changes underneath the server (issue "Runs for years unattended", item 4): deleted, moved away or
 * copied over, SQLite would go on acknowledging writes into a file nobody reads again. Every write transaction
 * checks that the file at DATABASE_PATH is still the one opened, and refuses with a 503 that says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { inject, describe, expect, it, vi } from 'vitest';
import { writeVerifiedBackup } from '@/db/backup';
import { IDENTITY_CHECK_INTERVAL_MS, openDatabase, openedFile, writeTransaction } from '@/db/client';
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

/** Another clinic's database: the migrated template under a new identity, as every real file has its own. */
function otherDatabase(dir: string): string {
  const other = path.join(dir, 'other.db');
  fs.copyFileSync(inject('templateDb'), other);
  const own = new Database(other);
  own.prepare('update database_identity set identity = lower(hex(randomblob(16))) where id = 1').run();
  own.close();
  const raw = openDatabase(other);
  writeTransaction(raw, (tx) => createClinic(tx, { name: 'Other clinic', timeZone: 'UTC' }));
  raw.$client.close(); // checkpoints: a single self-contained file, as a copied database usually is
  return other;
}

const identityOf = (file: string) => {
  const raw = new Database(file, { readonly: true });
  try {
    return (raw.prepare('select identity from database_identity').get() as { identity: string }).identity;
  } finally {
    raw.close();
  }
};

describe('a write after another database was copied over the file in place (same inode)', () => {
  // `cp other.db clinic.db` while the server ran: 200 more writes acknowledged into a file that was corrupt.
  it('the file remembers its identity row, written at creation', () => {
    const { db, file } = freshFile();
    expect(openedFile(db)?.identity).toMatch(/^[0-9a-f]{32}$/);
    expect(openedFile(db)?.identity).toBe(identityOf(file));
  });

  it('is refused with a 503 that says it was overwritten, writing nothing; /readyz names the file check', async () => {
    const { db, file, dir } = freshFile();
    writeTransaction(db, (tx) => createClinic(tx, { name: 'Before', timeZone: 'UTC' }));
    const inode = fs.statSync(file).ino;
    fs.copyFileSync(otherDatabase(dir), file); // in place: O_TRUNC and write, the inode stays
    expect(fs.statSync(file).ino).toBe(inode);

    // Well past the throttle, as the next write of a clinic day would be.
    const later = performance.now() + IDENTITY_CHECK_INTERVAL_MS + 1;
    const clock = vi.spyOn(performance, 'now').mockReturnValue(later);
    let caught: unknown;
    try {
      writeTransaction(db, (tx) => createClinic(tx, { name: 'After', timeZone: 'UTC' }));
    } catch (error) {
      caught = error;
    } finally {
      clock.mockRestore();
    }
    expect(caught).toBeInstanceOf(DatabaseFileChangedError);
    const response = errorResponse(caught);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /overwritten with another database while the server was running: nothing was saved/,
    );
    // Once found, every later write is refused at once, throttle or not.
    expect(() => writeTransaction(db, (tx) => createClinic(tx, { name: 'After 2', timeZone: 'UTC' }))).toThrow(/overwritten/);
    // (What the path reads as now mixes the copy with this connection's write-ahead log: the server ends itself
    // and moves that log aside, file-change-exit.test.ts.)
    const names = new Database(file, { readonly: true }).prepare('select name from clinics').all() as { name: string }[];
    expect(names.map((c) => c.name)).not.toContain('After');
    expect(names.map((c) => c.name)).not.toContain('After 2');

    const ready = checkReadiness(() => db, { databasePath: file, minFreeMb: 0, maxBackupAgeHours: 0, now: Date.now() });
    expect(ready.failing).toEqual(['file']);
    expect(ready.checks.file?.detail).toMatch(/overwritten with another database/);
  });

  it('/readyz re-reads the identity on every poll, without waiting for the throttle', () => {
    const { db, file, dir } = freshFile();
    writeTransaction(db, (tx) => createClinic(tx, { name: 'Before', timeZone: 'UTC' })); // identity just checked
    fs.copyFileSync(otherDatabase(dir), file);
    const ready = checkReadiness(() => db, { databasePath: file, minFreeMb: 0, maxBackupAgeHours: 0, now: Date.now() });
    expect(ready.failing).toEqual(['file']);
  });

  it('notices a file overwritten with bytes that are no database at all', () => {
    const { db, file } = freshFile();
    fs.writeFileSync(file, Buffer.alloc(8192, 7));
    expect(() => writeTransaction(db, (tx) => createClinic(tx, { name: 'X', timeZone: 'UTC' }))).toThrow(
      /overwritten with something that is not this database \(SQLITE_NOTADB\)/,
    );
  });

  it("notices this database's own backup copied over it (each backup is a file of its own identity)", async () => {
    const { db, file, dir } = freshFile();
    writeTransaction(db, (tx) => createClinic(tx, { name: 'Before', timeZone: 'UTC' }));
    const backup = (await writeVerifiedBackup(db.$client, path.join(dir, 'backup.db'))).file;
    expect(identityOf(backup)).not.toBe(openedFile(db)?.identity);
    fs.copyFileSync(backup, file);
    const ready = checkReadiness(() => db, { databasePath: file, minFreeMb: 0, maxBackupAgeHours: 0, now: Date.now() });
    expect(ready.failing).toEqual(['file']);
  });

  it('its own writes and checkpoints never look like an overwrite', () => {
    const { db, file } = freshFile();
    for (let i = 0; i < 20; i++) {
      writeTransaction(db, (tx) => createClinic(tx, { name: `C${i}`, timeZone: 'UTC' }));
      if (i % 5 === 0) db.$client.pragma('wal_checkpoint(TRUNCATE)');
      expect(checkReadiness(() => db, { databasePath: file, minFreeMb: 0, maxBackupAgeHours: 0, now: Date.now() }).failing).toEqual([]);
    }
  });
});
