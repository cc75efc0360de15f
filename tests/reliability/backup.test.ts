/**
 * Backups a clinic can rely on, and a restore that cannot lose acknowledged writes (docs/operations.md):
 * - the drill: write, scheduled backup, write more, lose the database's disk, restore the latest backup into a
 *   folder that no longer exists, and find every write acknowledged before that backup;
 * - a backup appears under its final name only complete and verified; leftovers of a killed one never count;
 * - retention keeps 48 hourly, 30 daily and 12 monthly backups;
 * - restore refuses a running server, a damaged backup and one from a newer version, changing nothing, and
 *   keeps the replaced file aside without leaving its -wal/-shm beside the restored one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, parseEnv } from '../../lib/env';
import {
  backupDatabase,
  backupFileName,
  backupsToKeep,
  listBackups,
  pruneBackups,
  restoreDatabase,
} from '../../db/backup';
import {
  backupTick,
  nextBackupAt,
  startBackupSchedule,
  type BackupScheduleConfig,
} from '../../db/backup-schedule';
import { assessBackupAge, lastBackupAt } from '../../db/backup-status';
import { openDatabase, type Db } from '../../db/client';
import { createClinic, createPatient } from '../../db/factories';
import { acquireServerLock } from '@/db/server-lock';
import * as s from '../../db/schema';
import { freshDb } from '../db';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  while (cleanups.length) cleanups.pop()!();
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh migrated database with a clinic, and a backup folder standing for another disk. */
function setup() {
  const db = freshDb();
  const file = db.$client.name;
  cleanups.push(() => {
    if (db.$client.open) db.$client.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
  const clinic = createClinic(db, { timeZone: 'America/Chicago' });
  const config = {
    DATABASE_PATH: file,
    BACKUP_DIR: path.join(tempDir('pump-backups-'), 'hourly'),
    BACKUP_INTERVAL: HOUR_MS,
  };
  return { db, file, clinicId: clinic.id, config };
}

function writePatients(db: Db, clinicId: number, from: number, count: number): string[] {
  const mrns: string[] = [];
  for (let i = from; i < from + count; i++) mrns.push(createPatient(db, { clinicId, mrn: `DRILL-${i}` }).mrn);
  return mrns;
}

function mrnsIn(file: string): Set<string> {
  const db = openDatabase(file, { migrate: false });
  try {
    return new Set(
      db
        .select({ mrn: s.patients.mrn })
        .from(s.patients)
        .all()
        .map((p) => p.mrn),
    );
  } finally {
    db.$client.close();
  }
}

describe('the restore drill', () => {
  it('restores the latest scheduled backup after the disk is lost, with every write acknowledged before it', async () => {
    const { db, file, clinicId, config } = setup();
    const before = writePatients(db, clinicId, 0, 200);
    const at = Date.UTC(2026, 11, 2, 21, 0, 0);
    const tick = await backupTick(db, config, at);
    expect(path.basename(tick.file)).toBe('clinic-2026-12-02T21-00-00-000Z.db');
    expect(lastBackupAt(config)).toBe(at);
    const after = writePatients(db, clinicId, 200, 50);

    // The disk holding the database is lost: the file, its -wal and -shm, and the folder itself.
    db.$client.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });

    const latest = listBackups(config.BACKUP_DIR)[0]!;
    expect(latest.file).toBe(tick.file);
    const { replaced } = restoreDatabase(latest.file, file);
    expect(replaced).toBeNull();

    const restored = openDatabase(file); // start-up's open: quick_check and migrations
    restored.$client.close();
    const mrns = mrnsIn(file);
    expect(before.filter((m) => !mrns.has(m))).toEqual([]);
    // The writes after the backup are gone, as the runbook says (restore loses what came after the backup).
    expect(after.filter((m) => mrns.has(m))).toEqual([]);
  });
});

describe("the last backup's age, as admins see it", () => {
  const now = Date.UTC(2026, 11, 3, 12, 0);
  const hourly = { BACKUP_INTERVAL: HOUR_MS, READY_MAX_BACKUP_AGE_HOURS: 0 };
  it('hourly backups: on time within two intervals (one missed backup is late), late after', () => {
    expect(assessBackupAge(now - 90 * 60_000, now, hourly)).toMatchObject({ state: 'ok', ageMs: 90 * 60_000 });
    expect(assessBackupAge(now - 2 * HOUR_MS - 11 * 60_000, now, hourly).state).toBe('late');
  });
  it('READY_MAX_BACKUP_AGE_HOURS, when set, is the limit (the same as /readyz)', () => {
    const config = { BACKUP_INTERVAL: HOUR_MS, READY_MAX_BACKUP_AGE_HOURS: 6 };
    expect(assessBackupAge(now - 5 * HOUR_MS, now, config).state).toBe('ok');
    expect(assessBackupAge(now - 7 * HOUR_MS, now, config)).toMatchObject({ state: 'late', expectedWithinMs: 6 * HOUR_MS });
  });
  it('no backup at all, or scheduled backups off, is a warning', () => {
    expect(assessBackupAge(null, now, hourly)).toMatchObject({ state: 'none', ageMs: null });
    expect(assessBackupAge(now - HOUR_MS, now, { BACKUP_INTERVAL: null, READY_MAX_BACKUP_AGE_HOURS: 0 }).state).toBe('off');
  });
});

describe('scheduled backups', () => {
  it('leaves only verified, self-contained files under final names, and a killed one never counts', async () => {
    const { db, clinicId, config } = setup();
    writePatients(db, clinicId, 0, 20);
    const { file } = await backupTick(db, config, Date.UTC(2026, 0, 1, 10));
    // One file, no -wal needed to read it: a copy taken off the machine is the whole backup.
    expect(fs.readdirSync(config.BACKUP_DIR)).toEqual([path.basename(file)]);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();

    // What a backup killed mid-way leaves: a .partial, which is neither listed nor the last backup.
    const partial = path.join(config.BACKUP_DIR, `${backupFileName(Date.UTC(2026, 0, 1, 11))}.partial`);
    fs.writeFileSync(partial, 'half a database');
    expect(listBackups(config.BACKUP_DIR).map((b) => b.file)).toEqual([file]);
    expect(lastBackupAt(config)).toBe(Date.UTC(2026, 0, 1, 10));
    // The next backups remove it once it is over an hour old (a younger one may be a manual backup under way).
    fs.utimesSync(partial, new Date(Date.UTC(2026, 0, 1, 11)), new Date(Date.UTC(2026, 0, 1, 11)));
    await backupTick(db, config, Date.UTC(2026, 0, 1, 11, 30));
    expect(fs.existsSync(partial)).toBe(true);
    await backupTick(db, config, Date.UTC(2026, 0, 1, 12, 1));
    expect(fs.existsSync(partial)).toBe(false);
  });

  it('writes nothing under the final name when the copy fails verification', async () => {
    const { file, config } = setup();
    // A database of another version: a migration this version does not know.
    const other = new Database(file);
    other.prepare("insert into __drizzle_migrations (hash, created_at) values ('x', 99999999999999)").run();
    other.close();
    const destination = path.join(config.BACKUP_DIR, backupFileName(Date.UTC(2026, 0, 1)));
    await expect(backupDatabase(file, destination)).rejects.toThrow(/newer version/);
    expect(fs.readdirSync(config.BACKUP_DIR)).toEqual([]);
    expect(lastBackupAt(config)).toBeNull();
  });

  it('takes a first backup soon after start when none exists, then one on every interval boundary', async () => {
    expect(nextBackupAt(Date.UTC(2026, 0, 1, 10, 59, 59), HOUR_MS)).toBe(Date.UTC(2026, 0, 1, 11));
    expect(nextBackupAt(Date.UTC(2026, 0, 1, 11), HOUR_MS)).toBe(Date.UTC(2026, 0, 1, 12));
    const { db, config } = setup();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.UTC(2026, 0, 1, 10, 30) });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    cleanups.push(() => (warn.mockRestore(), log.mockRestore()));
    const stop = startBackupSchedule(db, config);
    cleanups.push(stop);
    await vi.advanceTimersByTimeAsync(5_000);
    await vi.waitUntil(() => listBackups(config.BACKUP_DIR).length === 1, { timeout: 5_000 });
    expect(lastBackupAt(config)).toBe(Date.UTC(2026, 0, 1, 10, 30, 5));
    await vi.advanceTimersByTimeAsync(Date.UTC(2026, 0, 1, 11) - Date.now());
    await vi.waitUntil(() => listBackups(config.BACKUP_DIR).length === 2, { timeout: 5_000 });
    expect(lastBackupAt(config)).toBe(Date.UTC(2026, 0, 1, 11));
    stop();
    await vi.advanceTimersByTimeAsync(2 * HOUR_MS);
    expect(listBackups(config.BACKUP_DIR)).toHaveLength(2);
  });
});

describe('retention', () => {
  const now = Date.UTC(2026, 11, 2, 21, 0);
  const hourly = Array.from({ length: 400 * 24 }, (_, i) => now - i * HOUR_MS);

  it('keeps 48 hourly, 30 daily and 12 monthly backups, the newest of each', () => {
    const kept = [...backupsToKeep(hourly)].sort((a, b) => b - a);
    // The last 48 hours, every one of them.
    expect(kept.slice(0, 48)).toEqual(hourly.slice(0, 48));
    const day = (at: number) => new Date(at).toISOString().slice(0, 10);
    const month = (at: number) => new Date(at).toISOString().slice(0, 7);
    // 30 days, each by its last backup of the day (23:00), and 12 months, each by its newest backup.
    const days = new Set(kept.map(day));
    expect(days.size).toBeGreaterThanOrEqual(30);
    for (let d = 0; d < 30; d++) expect(days.has(day(now - d * DAY_MS))).toBe(true);
    const months = [...new Set(kept.map(month))];
    expect(months).toHaveLength(12);
    expect(kept.at(-1)).toBe(Date.UTC(2026, 0, 31, 23)); // the 12th month back: January 2026, its newest
    expect(kept.length).toBeLessThanOrEqual(48 + 30 + 12);
  });

  it('deletes the files the policy drops, and only those', () => {
    const dir = tempDir('pump-retention-');
    const times = hourly.slice(0, 24 * 40); // 40 days of hourly backups
    for (const at of times) fs.writeFileSync(path.join(dir, backupFileName(at)), '');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a backup');
    const removed = pruneBackups(dir, now);
    const left = listBackups(dir).map((b) => b.at);
    expect(new Set(left)).toEqual(backupsToKeep(times));
    expect(removed).toHaveLength(times.length - left.length);
    expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(true);
  });
});

describe('restore', () => {
  async function withBackup() {
    const { db, file, clinicId, config } = setup();
    writePatients(db, clinicId, 0, 10);
    const { file: backup } = await backupTick(db, config, Date.UTC(2026, 0, 1, 10));
    writePatients(db, clinicId, 10, 5);
    return { db, file, backup };
  }

  it('refuses while a server holds the database, and changes nothing', async () => {
    const { db, file, backup } = await withBackup();
    const server = acquireServerLock(file); // this process stands for the running server
    try {
      expect(() => restoreDatabase(backup, file)).toThrow(/a server holds .*stop it first/);
    } finally {
      server.release();
    }
    expect(db.select({ id: s.patients.id }).from(s.patients).all()).toHaveLength(15);
    expect(
      fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.replaced-') || n.includes('.restoring')),
    ).toEqual([]);
  });

  it('npm run db:restore says it refused, exits 1 and changes nothing while the server runs', async () => {
    const { file, backup } = await withBackup();
    const server = acquireServerLock(file);
    const root = path.resolve(import.meta.dirname, '..', '..');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'db', 'restore-cli.ts'), backup],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_PATH: file },
      },
    );
    server.release();
    expect(result.stderr).toMatch(/Restore refused, nothing was changed: a server holds/);
    expect(result.stdout).not.toMatch(/Start the server again/);
    expect(result.status).toBe(1);
    expect(mrnsIn(file).size).toBe(15);
  });

  it('ignores a lock left by a server that is gone, keeps the replaced file aside and no stale -wal/-shm', async () => {
    const { db, file, backup } = await withBackup();
    db.$client.close(); // the server stopped: the kernel dropped its lock with it
    const crashed = acquireServerLock(file);
    crashed.release();
    const now = Date.UTC(2026, 0, 2, 8);
    const { replaced } = restoreDatabase(backup, file, now);
    expect(replaced).toBe(`${file}.replaced-2026-01-02T08-00-00-000Z`);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(fs.existsSync(`${file}-shm`)).toBe(false);
    expect(mrnsIn(file).size).toBe(10);
    // The replaced database, with the 5 writes after the backup, is intact beside it.
    expect(mrnsIn(replaced!).size).toBe(15);
  });

  it('keeps the writes a crashed server left in its -wal with the replaced copy', async () => {
    const { db, file, clinicId, config } = setup();
    db.$client.pragma('wal_autocheckpoint = 0');
    writePatients(db, clinicId, 0, 10);
    const { file: backup } = await backupTick(db, config, Date.UTC(2026, 0, 1, 10));
    writePatients(db, clinicId, 10, 5);
    // The image a killed server leaves: the main file and a -wal holding commits not yet checkpointed.
    const crashed = path.join(tempDir('pump-crashed-'), 'clinic.db');
    fs.copyFileSync(file, crashed);
    fs.copyFileSync(`${file}-wal`, `${crashed}-wal`);
    const { replaced } = restoreDatabase(backup, crashed, Date.UTC(2026, 0, 2, 8));
    expect(fs.existsSync(`${crashed}-wal`)).toBe(false);
    expect(mrnsIn(crashed).size).toBe(10);
    expect(mrnsIn(replaced!).size).toBe(15);
  });

  it('moves a damaged database and its -wal aside and removes its -shm, so nothing is replayed into the restore', async () => {
    const { db, file, backup } = await withBackup();
    db.$client.close();
    // The live file is damaged beyond a checkpoint, with a -wal and -shm still beside it.
    fs.writeFileSync(file, 'damaged');
    fs.writeFileSync(`${file}-wal`, 'old wal');
    fs.writeFileSync(`${file}-shm`, 'old shm');
    const { replaced } = restoreDatabase(backup, file, Date.UTC(2026, 0, 2, 8));
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(fs.existsSync(`${file}-shm`)).toBe(false);
    expect(fs.readFileSync(replaced!, 'utf8')).toBe('damaged');
    expect(fs.readFileSync(`${replaced}-wal`, 'utf8')).toBe('old wal');
    expect(mrnsIn(file).size).toBe(10);
  });

  it('refuses a damaged backup or one from a newer version, changing nothing', async () => {
    const { db, file, backup } = await withBackup();
    db.$client.close();
    const damaged = path.join(path.dirname(backup), 'damaged.db');
    const bytes = fs.readFileSync(backup);
    bytes.fill(0x5a, 4096, 4096 * 3); // overwrite pages 2 and 3
    fs.writeFileSync(damaged, bytes);
    expect(() => restoreDatabase(damaged, file)).toThrow(/integrity_check|not a readable|malformed/);

    const newer = path.join(path.dirname(backup), 'newer.db');
    fs.copyFileSync(backup, newer);
    const n = new Database(newer);
    n.prepare("insert into __drizzle_migrations (hash, created_at) values ('x', 99999999999999)").run();
    n.close();
    expect(() => restoreDatabase(newer, file)).toThrow(/newer version of this app/);

    const garbage = path.join(path.dirname(backup), 'garbage.db');
    fs.writeFileSync(garbage, 'not a database at all');
    expect(() => restoreDatabase(garbage, file)).toThrow();
    expect(() => restoreDatabase(path.join(path.dirname(backup), 'missing.db'), file)).toThrow(
      /does not exist/,
    );

    expect(mrnsIn(file).size).toBe(15);
    expect(
      fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.replaced-') || n.includes('.restoring')),
    ).toEqual([]);
  });
});

describe('backup configuration (lib/env.ts)', () => {
  it('reads BACKUP_INTERVAL as a duration, hourly by default, and refuses anything else by name', () => {
    const config: BackupScheduleConfig = parseEnv({}); // start-up passes env() to startBackupSchedule as is
    expect(config.BACKUP_INTERVAL).toBe(HOUR_MS);
    expect(config.BACKUP_DIR).toBeUndefined();
    expect(parseEnv({ BACKUP_INTERVAL: '30m' }).BACKUP_INTERVAL).toBe(30 * 60_000);
    expect(parseEnv({ BACKUP_INTERVAL: '6h' }).BACKUP_INTERVAL).toBe(6 * HOUR_MS);
    expect(parseEnv({ BACKUP_INTERVAL: 'off' }).BACKUP_INTERVAL).toBeNull();
    for (const bad of ['1m', '2d', 'hourly', '0', '']) {
      expect(() => parseEnv({ BACKUP_INTERVAL: bad })).toThrow(ConfigError);
      expect(() => parseEnv({ BACKUP_INTERVAL: bad })).toThrow(
        /BACKUP_INTERVAL: must be a duration from 5m to 1d/,
      );
    }
    expect(() => parseEnv({ BACKUP_DIR: ' ' })).toThrow(/BACKUP_DIR: must be a folder path/);
    expect(parseEnv({ BACKUP_DIR: '/mnt/backup/pumps' }).BACKUP_DIR).toBe('/mnt/backup/pumps');
  });
});
