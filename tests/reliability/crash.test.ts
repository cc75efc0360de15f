/**
 * Crash safety of the write path: a process that dies by SIGKILL (power cut of the process: no handler, no
 * clean-up, no checkpoint) loses nothing it had acknowledged and leaves no half-written transaction.
 *
 * What this proves, on the app's own settings (db/client.ts: WAL, synchronous=NORMAL, foreign keys):
 * - durability across a process crash: every refill visit whose COMMIT returned (the writer printed "ack")
 *   is in the database after reopening it, with its audit row and the pump's stored forecast computed from it;
 * - atomicity: the committed visits are exactly a prefix of the sequence written (no hole, no stray row),
 *   and a large transaction killed before COMMIT (its pages already spilled into the WAL file) leaves no row;
 * - the reopened file passes PRAGMA integrity_check and foreign_key_check, and openDatabase accepts it.
 * What it does not prove: survival of an OS crash or power loss, which no process kill can simulate. For that the
 * database runs with synchronous=FULL in WAL mode (docs/decisions/012-durability.md; durability.test.ts checks
 * the setting): SQLite fsyncs the WAL at every commit, so a commit that returned is on the disk. The HTTP layer is not involved here: a route handler acknowledges a visit only after the same
 * synchronous transaction returned, so it inherits exactly this guarantee.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/client';
import { createClinic, createPatient, createPump, ensureCatalog, DAY_MS } from '../../db/factories';
import { computeForecasts, loadForecastContexts } from '../../db/queries/forecasts';
import * as s from '../../db/schema';
import { freshDb } from '../db';

const root = path.resolve(import.meta.dirname, '..', '..');
const writer = path.join(import.meta.dirname, 'crash-writer.ts');

interface Fixture {
  file: string;
  clinicId: number;
  pumpId: number;
  drugId: number;
  programId: number;
  now: number;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A clinic with one pump filled 30 days before `now`, in a fresh copy of the migrated template. */
function fixture(): Fixture {
  const db = freshDb();
  const file = db.$client.name;
  const now = Date.now();
  const { models, drugs } = ensureCatalog(db);
  const clinic = createClinic(db, { timeZone: 'America/Chicago' });
  const patient = createPatient(db, { clinicId: clinic.id, mrn: 'CRASH-1' });
  const drug = drugs.get('Lioresal Intrathecal')!;
  const { pump, program } = createPump(db, {
    patientId: patient.id,
    model: models.get('8637-20')!,
    serial: 'CRASH-0001',
    implantedOn: '2020-01-01',
    program: { mode: 'simple', doseMcgPerDay: 100, drugId: drug.id, concentrationMcgPerMl: 500 },
    filledAt: now - 30 * DAY_MS,
    fillMl: 20,
  });
  db.$client.close();
  cleanups.push(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
  return { file, clinicId: clinic.id, pumpId: pump.id, drugId: drug.id, programId: program.id, now };
}

/**
 * Runs the writer and SIGKILLs it as soon as `shouldKill` says so for a line it printed. Resolves with every
 * line read before the process was gone.
 */
function runAndKill(
  f: Fixture,
  mode: 'stream' | 'bulk',
  shouldKill: (line: string) => boolean,
): Promise<{ lines: string[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        writer,
        f.file,
        String(f.clinicId),
        String(f.pumpId),
        String(f.drugId),
        String(f.programId),
        String(f.now),
        mode,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Never leave a writer behind, whatever happens to the test (a timeout, a failed assertion).
    cleanups.push(() => child.kill('SIGKILL'));
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The writer never reached the kill point within 40 s. stderr: ${stderr}`));
    }, 40_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (!killed && shouldKill(line)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // A line cut off by the kill was never acknowledged: `partial` is dropped on purpose.
      if (!killed)
        reject(
          new Error(`The writer exited by itself (code ${code}) before it was killed. stderr: ${stderr}`),
        );
      else resolve({ lines, signal });
    });
  });
}

function reopen(file: string): Db {
  // openDatabase runs quick_check and refuses a damaged file; integrity_check below is the thorough one.
  const db = openDatabase(file, { migrate: false });
  cleanups.push(() => db.$client.close());
  return db;
}

function writtenVisits(db: Db, pumpId: number, label: string) {
  return db
    .select({ id: s.refillVisits.id, notes: s.refillVisits.notes, performedAt: s.refillVisits.performedAt })
    .from(s.refillVisits)
    .where(and(eq(s.refillVisits.pumpId, pumpId), like(s.refillVisits.notes, `${label} %`)))
    .orderBy(s.refillVisits.id)
    .all()
    .map((v) => ({ ...v, seq: Number(v.notes.split(' ')[1]) }));
}

function expectHealthy(db: Db) {
  expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.$client.pragma('foreign_key_check')).toEqual([]);
}

describe('crash safety of refill visits (SIGKILL of the writing process)', () => {
  it(
    'keeps every acknowledged visit, with its audit row and forecast, and nothing half-written',
    { timeout: 60_000 },
    async () => {
      const f = fixture();
      // Kill somewhere after 150-300 commits, past the first WAL auto-checkpoint (1,000 pages) and possibly during
      // one, at a point the writer does not choose.
      const killAfter = 150 + Math.floor(Math.random() * 150);
      const { lines, signal } = await runAndKill(
        f,
        'stream',
        (line) => line.startsWith('ack ') && Number(line.split(' ')[2]) >= killAfter,
      );
      expect(signal).toBe('SIGKILL');
      const acks = lines
        .filter((l) => l.startsWith('ack '))
        .map((l) => ({ id: Number(l.split(' ')[1]), seq: Number(l.split(' ')[2]) }));
      expect(acks.length).toBeGreaterThanOrEqual(killAfter);

      const db = reopen(f.file);
      expectHealthy(db);
      const visits = writtenVisits(db, f.pumpId, 'stream');
      const ids = new Set(visits.map((v) => v.id));

      // Durability: every acknowledged visit is there, under the id the writer was given.
      const lost = acks.filter((a) => !ids.has(a.id));
      expect(
        lost,
        `acknowledged visits missing after the crash: ${lost.map((a) => a.seq).join(', ')}`,
      ).toEqual([]);
      // Atomicity of the sequence: visits 1..k with no hole. At most the one in flight (committed, not yet
      // acknowledged when the kill landed) goes beyond the acknowledgements.
      expect(visits.map((v) => v.seq)).toEqual(visits.map((_, i) => i + 1));
      expect(visits.length - acks.length).toBeGreaterThanOrEqual(0);
      expect(visits.length - acks.length).toBeLessThanOrEqual(1);

      // Each committed visit has exactly its audit row; no audit row without its visit.
      const audits = db
        .select({ entityId: s.auditLog.entityId })
        .from(s.auditLog)
        .where(and(eq(s.auditLog.entity, 'refill-visit'), eq(s.auditLog.actorId, 'crash-writer')))
        .all();
      expect(audits.map((a) => Number(a.entityId)).sort((a, b) => a - b)).toEqual(visits.map((v) => v.id));

      // The stored forecast was committed with the last visit: it equals a recomputation from that visit.
      const stored = db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, f.pumpId)).get();
      const [recomputed] = computeForecasts(loadForecastContexts(db, { pumpIds: [f.pumpId] }, f.now));
      expect(recomputed!.context.lastVisit.id).toBe(visits.at(-1)!.id);
      expect(stored).toMatchObject({
        lowReservoirAlarmAt: recomputed!.forecast.lowReservoirAlarmAt,
        emptyAt: recomputed!.forecast.emptyAt,
        refillDueOn: recomputed!.forecast.refillDueOn,
      });
    },
  );

  it('leaves no trace of a large transaction killed before its COMMIT', { timeout: 60_000 }, async () => {
    const f = fixture();
    let walAtKill = 0;
    const { signal } = await runAndKill(f, 'bulk', (line) => {
      if (line !== 'inside 500') return false;
      walAtKill = fs.existsSync(`${f.file}-wal`) ? fs.statSync(`${f.file}-wal`).size : 0;
      return true;
    });
    expect(signal).toBe('SIGKILL');
    // The open transaction had outgrown SQLite's page cache, so uncommitted pages were already in the WAL
    // file: recovery has to ignore them, not just an empty journal.
    console.log(`crash test: WAL file at the kill ${(walAtKill / 2 ** 20).toFixed(1)} MiB (uncommitted)`);
    expect(walAtKill).toBeGreaterThan(256 * 1024);

    const db = reopen(f.file);
    expectHealthy(db);
    expect(writtenVisits(db, f.pumpId, 'bulk')).toEqual([]);
    expect(db.select().from(s.auditLog).where(eq(s.auditLog.actorId, 'crash-writer')).all()).toEqual([]);
    // Only the initial fill remains, and the database still takes writes.
    expect(
      db
        .select({ id: s.refillVisits.id })
        .from(s.refillVisits)
        .where(eq(s.refillVisits.pumpId, f.pumpId))
        .all(),
    ).toHaveLength(1);
    db.insert(s.auditLog).values({ actorLabel: 'after the crash', action: 'view', entity: 'test' }).run();
  });
});
