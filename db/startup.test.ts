/** Start-up safety: migrations apply once, a newer or corrupt database stops start-up with a clear message. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { closeDatabase, DatabaseStartupError, openDatabase } from './client';
import { backupDatabase, restoreDatabase } from './backup';
import * as schema from './schema';
import { parseEnv, ConfigError } from '@/lib/env';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pump-start-'));

describe('migrations', () => {
  it('build an empty database whose tables and columns match db/schema.ts', () => {
    const db = openDatabase(path.join(tmp(), 'm.db'));
    for (const value of Object.values(schema)) {
      if (!is(value, SQLiteTable)) continue;
      const config = getTableConfig(value);
      const columns = db.$client.prepare(`pragma table_info(${config.name})`).all() as { name: string; notnull: number }[];
      expect(columns.map((c) => c.name).sort(), config.name).toEqual(config.columns.map((c) => c.name).sort());
      for (const column of config.columns) {
        expect(columns.find((c) => c.name === column.name)?.notnull === 1, `${config.name}.${column.name} not null`).toBe(column.notNull || column.primary);
      }
    }
    closeDatabase(db);
  });

  it('apply once: opening twice changes nothing', () => {
    const file = path.join(tmp(), 'twice.db');
    closeDatabase(openDatabase(file));
    const db = openDatabase(file);
    const n = db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    const journal = JSON.parse(fs.readFileSync('db/migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    expect(n.n).toBe(journal.entries.length);
    closeDatabase(db);
  });

  it('refuse a database written by a newer version of the app', () => {
    const file = path.join(tmp(), 'newer.db');
    const db = openDatabase(file);
    db.$client.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('future', 9_999_999_999_999);
    closeDatabase(db);
    expect(() => openDatabase(file)).toThrow(/newer version of this app/);
  });

  it('refuse a corrupt file with a message, not a stack trace', () => {
    const file = path.join(tmp(), 'corrupt.db');
    fs.writeFileSync(file, Buffer.alloc(8192, 7));
    expect(() => openDatabase(file)).toThrow(DatabaseStartupError);
    expect(() => openDatabase(file)).toThrow(/not a usable SQLite database/);
  });

  it('refuse an unwritable location with a message naming DATABASE_PATH', () => {
    const dir = tmp();
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, 'x');
    expect(() => openDatabase(path.join(blocker, 'sub', 'clinic.db'))).toThrow(/DATABASE_PATH .* cannot be created or written/);
  });
});

describe('configuration', () => {
  it('names each bad variable and what is allowed', () => {
    expect(() => parseEnv({ PORT: 'abc', PUBLIC_URL: 'not a url' })).toThrow(ConfigError);
    try {
      parseEnv({ PORT: '70000', SEED_DEMO: 'maybe' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/SEED_DEMO: must be true or false/);
    }
  });

  it('refuses a time zone that is not IANA', () => {
    expect(() => parseEnv({ CLINIC_TIME_ZONE: 'Mars/Olympus' })).toThrow(/CLINIC_TIME_ZONE: must be an IANA time zone/);
    expect(parseEnv({ CLINIC_TIME_ZONE: 'Europe/Berlin' }).CLINIC_TIME_ZONE).toBe('Europe/Berlin');
  });

  it('accepts the defaults', () => {
    expect(parseEnv({}).DATABASE_PATH).toBe('data/clinic.db');
  });
});

describe('backup and restore', () => {
  it('a backup taken while a writer is open restores to the same data', async () => {
    const dir = tmp();
    const file = path.join(dir, 'live.db');
    const db = openDatabase(file);
    db.insert(schema.clinics).values({ name: 'Backup Clinic', timeZone: 'UTC', phone24h: '1', clinicWeekdays: [1], holidays: [] }).run();
    const backup = path.join(dir, 'copy.db');
    await backupDatabase(file, backup);
    db.insert(schema.clinics).values({ name: 'After Backup', timeZone: 'UTC', phone24h: '1', clinicWeekdays: [1], holidays: [] }).run();
    closeDatabase(db);
    restoreDatabase(backup, file);
    const restored = openDatabase(file);
    expect(restored.select({ name: schema.clinics.name }).from(schema.clinics).all().map((c) => c.name)).toEqual(['Backup Clinic']);
    closeDatabase(restored);
  });

  it('restore refuses a file that is not a backup of this app and leaves the target untouched', () => {
    const dir = tmp();
    const target = path.join(dir, 'live.db');
    closeDatabase(openDatabase(target));
    const before = fs.readFileSync(target);
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'hello');
    expect(() => restoreDatabase(junk, target)).toThrow();
    expect(fs.readFileSync(target).equals(before)).toBe(true);
  });

  it('the CLI prints a clear usage line without a file', () => {
    expect(() => execFileSync(process.execPath, ['--import', 'tsx', 'db/restore-cli.ts'], { stdio: 'pipe' })).toThrow(/Usage: npm run db:restore/);
  });
});
