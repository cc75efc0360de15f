/**
 * Start-up: parse the environment, open and migrate the database, seed the demo clinic into an empty one,
 * and recompute every stored forecast (so a new engine never serves an old one's dates). Any failure prints
 * one clear message and exits with status 1, rather than leaving a process that answers 500 to every route
 * (the public emergency page included): Next.js catches an error thrown by the instrumentation hook and
 * serves on, so startup() never rethrows. A supervisor (systemd Restart=always, Docker restart policy) starts
 * it again; /readyz tells a load balancer when it is serving.
 */
import { eq } from 'drizzle-orm';
import { ConfigError, env } from '@/lib/env';
import { startBackupSchedule } from './backup-schedule';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { DatabaseStartupError, onOpenedFileChanged, openedFile, optimizeDatabase, writeTransaction, type FileChange } from './client';
import { startNotificationWorker } from './notifications-worker';
import { authSecret } from '../lib/auth/secret';
import { refreshForecasts } from './queries/forecasts';
import { getDb } from './runtime';
import { clinics } from './schema';
import { DEMO_PASSWORD, demoStaff, isEmpty, isHalfSeededDemo, seedDemo } from './seed';
import { clockNow } from '../lib/clock';

const HOUR_MS = 3_600_000;

export async function startup(): Promise<void> {
  try {
    const config = env();
    const db = getDb();
    onOpenedFileChanged(endOnFileChange);
    if (config.SEED_DEMO) {
      const seeded = await seedDemo(db, { now: clockNow(), timeZone: config.CLINIC_TIME_ZONE });
      if (seeded) console.log(`\nSeeded the demo clinic: ${seeded.patients} patients, ${seeded.visits} refill visits.`);
    }
    const demo = db.select({ id: clinics.id }).from(clinics).where(eq(clinics.isDemo, true)).get();
    if (demo && config.publicDeployment && !config.demoRequested) throw new DatabaseStartupError(demoAtPublicAddressMessage(config.DATABASE_PATH, config.PUBLIC_URL ?? ''));
    if (isHalfSeededDemo(db)) {
      throw new DatabaseStartupError(
        `DATABASE_PATH ${config.DATABASE_PATH} holds a demo clinic without its staff accounts: an earlier first start was stopped while seeding, so the demo sign-ins would not work. It holds only demo data: stop the server, delete the file (with its -wal, -shm and .lock files) and start again to seed a complete demo clinic.`,
      );
    }
    const started = performance.now();
    try {
      const n = writeTransaction(db, (tx) => refreshForecasts(tx, { all: true }, clockNow()));
      console.log(`Forecast ${n} active pumps in ${Math.round(performance.now() - started)} ms.`);
    } catch (error) {
      // A bad stored record must not take down sign-in and the public emergency page with it (item 11): the
      // stored forecasts stay, each write recomputes its own pump, and the hourly refresh tries again.
      console.error('Start-up forecast refresh failed; serving the stored forecasts', error);
    }
    optimizeDatabase(db);
    // Appointments that slip into the past stop counting as "next": refresh hourly (and the planner's statistics).
    setInterval(() => {
      try {
        writeTransaction(db, (tx) => refreshForecasts(tx, { all: true }, clockNow()));
        optimizeDatabase(db);
      } catch (error) {
        console.error('Hourly forecast refresh failed', error);
      }
    }, HOUR_MS).unref();
    // Verified backups into BACKUP_DIR on each interval boundary (docs/operations.md).
    startBackupSchedule(db, config);
    // Reminders and staff alerts from the outbox, when SMTP_URL or SMS_WEBHOOK_URL is set (docs/notifications.md).
    startNotificationWorker(db, config, authSecret());

    if (demo) {
      console.log('Demo sign-in (demo clinic only):');
      for (const u of demoStaff) console.log(`  ${u.role.padEnd(10)} ${u.email.padEnd(22)} password: ${DEMO_PASSWORD}`);
    } else if (isEmpty(db)) {
      // A real clinic's first start (no demo unless asked: issue 14, item 12).
      console.log(NO_CLINIC_MESSAGE);
    }
    const url = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
    console.log(`\nPump refill scheduler ready: open ${url}\n`);
  } catch (error) {
    console.error(`\nCannot start: ${startupFailureMessage(error)}\n`);
    if (!(error instanceof ConfigError || error instanceof DatabaseStartupError)) console.error(error);
    process.exit(1);
  }
}

/** Printed at start-up while the database holds no clinic. */
export const NO_CLINIC_MESSAGE = `
No clinic is set up in this database yet. Create the clinic and its first admin (safe while the server runs):
  npm run setup -- --clinic "Clinic name" --time-zone America/Chicago --phone "+1 555 010 0247" \\
                   --admin-name "Your Name" --admin-email you@example.org
(To try the app with made-up patients instead, start it without PUBLIC_URL, or with SEED_DEMO=true, on an empty database.)`;

/**
 * The demo clinic at a public address: its accounts' password is in the README. Seeded by a trial run (no
 * PUBLIC_URL) before the server was deployed; kept only when SEED_DEMO=true asks for it.
 */
export function demoAtPublicAddressMessage(databasePath: string, publicUrl: string): string {
  return `DATABASE_PATH ${databasePath} holds the demo clinic, whose sign-ins and password are in the README, and PUBLIC_URL ${publicUrl} would serve it at a public address. For a real clinic, start on a new DATABASE_PATH (or delete this file with its -wal, -shm and .lock files) and run npm run setup; to serve the demo there on purpose, set SEED_DEMO=true.`;
}

/** The one line an operator reads when start-up fails. */
export function startupFailureMessage(error: unknown): string {
  if (error instanceof ConfigError || error instanceof DatabaseStartupError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
    return `the database stayed locked by another process during start-up (${code}). Run one server per database file; the supervisor may start this one again.`;
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return `the database failed during start-up (${code}: ${message}).`;
  return `unexpected error during start-up: ${message}`;
}

/** How long the process serves on after finding its file changed: enough for the refused write's 503 to go out. */
export const FILE_CHANGE_EXIT_DELAY_MS = 500;

/**
 * The file at DATABASE_PATH is no longer the one this process opened (db/client.ts openedFileChange). Every
 * write is already refused; say so loudly and end, so the supervisor starts the server again on the file that
 * is there now (or, if it is gone, the start refuses and says to restore: db/runtime.ts).
 *
 * How it ends depends on what happened to the write-ahead log this connection holds (commits not yet
 * checkpointed):
 * - the file was copied over in place (same inode, other contents): the log's pages belong to the old database
 *   and must reach neither the copy nor the next start, which would replay them into it. The log is moved
 *   aside (`-wal.orphaned-<time>`, kept) and the process killed, since a normal exit closes the connection and
 *   SQLite's close checkpoints the log into the file: the copy.
 * - otherwise (file deleted, moved away or replaced by another inode; the log deleted or replaced): the
 *   connection is closed, which checkpoints the log into the file this process opened, wherever it now is
 *   (after `rm clinic.db-wal` that keeps the writes since the last checkpoint instead of losing them), and
 *   the process exits with status 1.
 */
function endOnFileChange(sqlite: Database.Database, change: FileChange): void {
  const globalForExit = globalThis as unknown as { __pumpEnding?: boolean };
  if (globalForExit.__pumpEnding) return;
  globalForExit.__pumpEnding = true;
  console.error(
    `\nStopping: ${change.message}. Writes are refused; the server ends now so that its supervisor starts it again on the file at DATABASE_PATH. If the database was lost, restore the latest backup first (docs/operations.md, "Restore").\n`,
  );
  setTimeout(() => {
    if (change.kind === 'overwritten') {
      const opened = openedFile({ $client: sqlite });
      if (opened?.wal) {
        const walPath = `${opened.path}-wal`;
        try {
          const wal = fs.statSync(walPath);
          if (wal.dev === opened.wal.dev && wal.ino === opened.wal.ino) {
            const aside = `${walPath}.orphaned-${new Date(clockNow()).toISOString().replace(/[:.]/g, '-')}`;
            fs.renameSync(walPath, aside);
            console.error(`Moved this process's write-ahead log aside to ${aside}: it belongs to the database that was overwritten.`);
          }
        } catch (error) {
          console.error('Could not move the write-ahead log aside', error);
        }
      }
      process.kill(process.pid, 'SIGKILL');
      return;
    }
    try {
      sqlite.close();
    } catch (error) {
      console.error('Closing the database failed', error);
    }
    process.exit(1);
  }, FILE_CHANGE_EXIT_DELAY_MS);
}
