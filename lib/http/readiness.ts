/**
 * GET /readyz: is this process able to serve and store records right now? Each check is cheap enough to poll
 * every few seconds (no table scan: two stats, one statfs, a read of the tiny migrations table and a write
 * probe that takes the write lock and rolls back). The answer carries no PHI and no file paths.
 */
import fs from 'node:fs';
import path from 'node:path';
import { migrationStatus, openedFile, probeWrite, type Db } from '@/db/client';
import { lastBackupAt } from '@/db/backup-status';

/** How long the write probe waits for another writer: short, so a poll never stalls the event loop long. */
const PROBE_TIMEOUT_MS = 250;

export interface Check {
  ok: boolean;
  detail?: string;
  [key: string]: unknown;
}

export interface Readiness {
  status: 'ready' | 'not ready';
  failing: string[];
  checks: Record<string, Check>;
}

export interface ReadinessOptions {
  databasePath: string;
  minFreeMb: number;
  /** 0: report the backup's age without failing on it. */
  maxBackupAgeHours: number;
  now: number;
}

const codeOf = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
};

function fileCheck(db: Db): Check {
  const opened = openedFile(db);
  if (!opened) return { ok: false, detail: 'unknown file' };
  try {
    const now = fs.statSync(opened.path);
    if (now.dev === opened.dev && now.ino === opened.ino) return { ok: true };
    return {
      ok: false,
      detail: 'the file at DATABASE_PATH is not the file this process opened: restart the server',
    };
  } catch (error) {
    return { ok: false, detail: `the file at DATABASE_PATH is gone (${codeOf(error)})` };
  }
}

function diskCheck(databasePath: string, minFreeMb: number): Check {
  try {
    const stat = fs.statfsSync(path.dirname(path.resolve(databasePath)));
    const freeMb = Math.floor((stat.bavail * stat.bsize) / 1024 / 1024);
    return freeMb >= minFreeMb
      ? { ok: true, freeMb, minFreeMb }
      : { ok: false, freeMb, minFreeMb, detail: 'low free disk space' };
  } catch (error) {
    return { ok: false, minFreeMb, detail: `cannot read free space (${codeOf(error)})` };
  }
}

function backupCheck(now: number, maxAgeHours: number): Check {
  const at = lastBackupAt();
  const ageHours = at == null ? null : Math.round(((now - at) / 3_600_000) * 10) / 10;
  const lastBackup = at == null ? null : new Date(at).toISOString();
  if (maxAgeHours <= 0) return { ok: true, lastBackup, ageHours, maxAgeHours: null };
  if (ageHours == null) return { ok: false, lastBackup, ageHours, maxAgeHours, detail: 'no backup recorded' };
  return ageHours <= maxAgeHours
    ? { ok: true, lastBackup, ageHours, maxAgeHours }
    : { ok: false, lastBackup, ageHours, maxAgeHours, detail: 'the last backup is too old' };
}

export function checkReadiness(openDb: () => Db, options: ReadinessOptions): Readiness {
  const checks: Record<string, Check> = {};
  let db: Db | undefined;
  try {
    db = openDb();
    db.$client.prepare('select 1').get();
    checks.database = { ok: true };
  } catch (error) {
    checks.database = { ok: false, detail: `cannot open the database (${codeOf(error)})` };
  }
  if (db) {
    try {
      probeWrite(db.$client, PROBE_TIMEOUT_MS);
      checks.writable = { ok: true };
    } catch (error) {
      checks.writable = { ok: false, detail: `cannot write (${codeOf(error)})` };
    }
    try {
      const m = migrationStatus(db);
      checks.migrations = m.current
        ? { ok: true, applied: m.applied }
        : { ok: false, applied: m.applied, expected: m.expected, detail: 'migrations not current' };
    } catch (error) {
      checks.migrations = { ok: false, detail: `cannot read the migrations (${codeOf(error)})` };
    }
    checks.file = fileCheck(db);
  }
  checks.disk = diskCheck(options.databasePath, options.minFreeMb);
  checks.backup = backupCheck(options.now, options.maxBackupAgeHours);
  const failing = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
  return { status: failing.length === 0 ? 'ready' : 'not ready', failing, checks };
}
