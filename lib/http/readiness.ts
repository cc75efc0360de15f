/**
 * GET /readyz: is this process able to serve and store records right now? Each check is cheap enough to poll
 * every few seconds (no table scan: two stats, one read of the file's identity row, one statfs, a read of the tiny migrations table and a write
 * probe that takes the write lock and rolls back). The answer carries no PHI and no file paths.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkOpenedFile, migrationStatus, openedFile, probeWrite, type Db } from '@/db/client';
import { pendingReadAudits } from '@/db/audit-read';
import { lastBackupAt } from '@/db/backup-status';
import { storageFailure } from '@/db/storage-state';

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
  if (!openedFile(db)) return { ok: false, detail: 'unknown file' };
  // The same check refuses every write (db/client.ts), here with the identity row always re-read; the server
  // ends itself on a change (db/startup.ts). The answer names no path.
  const change = checkOpenedFile(db.$client, { force: true });
  return change ? { ok: false, detail: `${change.message.replace(/^The /, 'the ')}: restart the server` } : { ok: true };
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

/**
 * The last write that failed for lack of storage (SQLITE_FULL, disk I/O error), until a write succeeds again;
 * the write probe cannot see a full disk. Reads go on; their audit rows wait in memory (db/audit-read.ts).
 */
function storageCheck(): Check {
  const failure = storageFailure();
  const { pending, dropped, failed, refused } = pendingReadAudits();
  const counts = { pendingReadAudits: pending, droppedReadAudits: dropped, failedReadAudits: failed, refusedReadAudits: refused };
  if (!failure) return { ok: true, ...counts };
  return {
    ok: false,
    ...counts,
    code: failure.code,
    since: new Date(failure.at).toISOString(),
    detail: failure.code.startsWith('SQLITE_FULL')
      ? 'the disk is full: writes are refused, reads are served'
      : 'the disk failed a write: writes are refused, reads are served',
  };
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
  checks.storage = storageCheck();
  checks.backup = backupCheck(options.now, options.maxBackupAgeHours);
  const failing = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
  return { status: failing.length === 0 ? 'ready' : 'not ready', failing, checks };
}
