/**
 * The database holds patient records and password hashes: a new database file, and the -wal and -shm files
 * SQLite makes beside it, are readable by the server's user only (issue 14, item 11). The test runs with a
 * permissive umask, as a shared server might, so that only the app's own choice can make the files private.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, writeTransaction } from '@/db/client';
import { createClinic } from '@/db/factories';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('database file permissions', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-mode-'));
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a new database and its -wal and -shm files are created 0600', () => {
    const file = path.join(dir, 'clinic.db');
    const db = openDatabase(file);
    writeTransaction(db, (tx) => createClinic(tx, { name: 'Mode clinic' }));
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(`${file}-wal`)).toBe(0o600);
    expect(modeOf(`${file}-shm`)).toBe(0o600);
    db.$client.close();
  });

  it('an existing database keeps the permissions its administrator gave it', () => {
    const file = path.join(dir, 'clinic.db');
    openDatabase(file).$client.close();
    fs.chmodSync(file, 0o640);
    const db = openDatabase(file);
    expect(modeOf(file)).toBe(0o640);
    db.$client.close();
  });
});
