/**
 * Auditing a read without letting the audit stop the read (issue 13, item 7). Opening a patient, printing a
 * card or letter writes a 'view' audit row; while the disk is full that insert fails with SQLITE_FULL, and the
 * nurse at the bedside must still see the pump's dose and refill date. So a read's audit row that cannot be
 * written is kept in memory (at most MAX_PENDING; the oldest are dropped past that, and counted) and written as
 * soon as storage works again: on the next read that audits, and every RETRY_MS until the queue is empty.
 * A row written late keeps the time of the view in `after.viewedAt` and says `recordedLate: true`.
 *
 * The policy is explicit (READ_AUDIT_FAIL_CLOSED, README "Configuration"): by default (fail open) the read is
 * served, the failure logged on stderr and counted in /readyz (`failedReadAudits`), and the row kept as above;
 * with READ_AUDIT_FAIL_CLOSED=true the read is refused instead (ReadAuditRefusedError, a 503 that says why;
 * counted as `refusedReadAudits`) and nothing of the record is shown. Any SQLite error of the insert counts as
 * "cannot be written" (a full disk, a failing disk, a database busy past the timeout, a file changed
 * underneath); any other error is a bug and is thrown.
 *
 * The public emergency page writes nothing and is served under either policy.
 *
 * The buffering is around audit() (db/queries/audit.ts), never inside it: the audit row itself, and any
 * chaining of rows, stays that function's business.
 */
import { clockNow } from '../lib/clock';
import { env } from '../lib/env';
import { DatabaseFileChangedError, ReadAuditRefusedError } from '../lib/errors';
import { writeTransaction, type Db } from './client';
import { audit, type Actor } from './queries/audit';
import { noteStorageFailure, noteStorageOk } from './storage-state';

/** Rows kept while the disk is full: a busy clinic's day of record views is a few thousand. */
export const MAX_PENDING = 10_000;
const RETRY_MS = 15_000;

interface PendingView {
  actor: Actor;
  entity: string;
  entityId: string | number | null;
  after: Record<string, unknown> | null;
  at: number;
}

interface ReadAuditState {
  db: Db | null;
  pending: PendingView[];
  dropped: number;
  /** Read audit rows whose insert failed since the process started (served or refused). */
  failed: number;
  /** Reads refused under READ_AUDIT_FAIL_CLOSED since the process started. */
  refused: number;
  /** Whether the last insert failed (the first failure after a success is logged with its error). */
  failing: boolean;
  timer: ReturnType<typeof setInterval> | null;
}

const globalForReads = globalThis as unknown as { __pumpReadAudit?: ReadAuditState };
const state = (globalForReads.__pumpReadAudit ??= { db: null, pending: [], dropped: 0, failed: 0, refused: 0, failing: false, timer: null });

/**
 * Audit rows of reads waiting for storage, how many were dropped because the queue was full, and (since the
 * process started) how many inserts failed and how many reads were refused for it.
 */
export function pendingReadAudits(): { pending: number; dropped: number; failed: number; refused: number } {
  return { pending: state.pending.length, dropped: state.dropped, failed: state.failed, refused: state.refused };
}

/** The clinic's policy: refuse a read whose audit row cannot be written (READ_AUDIT_FAIL_CLOSED=true)? */
export function readAuditFailsClosed(): boolean {
  return env().READ_AUDIT_FAIL_CLOSED;
}

/** An insert that failed because the database cannot take it now, rather than a bug. */
function cannotBeWritten(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof DatabaseFileChangedError || (typeof code === 'string' && code.startsWith('SQLITE_'));
}

const codeOf = (error: Error): string => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
};

/**
 * Writes the 'view' audit row of a read. When it cannot be written: under the default policy the row is kept
 * for later and the read goes on; under READ_AUDIT_FAIL_CLOSED the read is refused (ReadAuditRefusedError).
 * Either way the failure is logged and counted (see the header). Other errors are thrown.
 */
export function auditRead(
  db: Db,
  actor: Actor,
  entity: string,
  entityId: string | number | null,
  after: Record<string, unknown> | null = null,
  now = clockNow(),
  failClosed = readAuditFailsClosed(),
): void {
  if (state.pending.length > 0) flushQuietly(db);
  try {
    audit(db, actor, 'view', entity, entityId, null, after);
    noteStorageOk();
    state.failing = false;
  } catch (error) {
    if (!cannotBeWritten(error)) throw error;
    noteStorageFailure(error, now);
    state.failed++;
    if (failClosed) state.refused++;
    if (!state.failing || state.failed % 100 === 0) {
      console.error(
        `Record-view audit row could not be written (${codeOf(error)}; ${state.failed} so far): ${
          failClosed ? 'READ_AUDIT_FAIL_CLOSED is set, so the read was refused' : 'the read was served, the row is kept until it can be written'
        }. /readyz counts these; free the disk or fix the database.`,
        state.failing ? '' : error,
      );
    }
    state.failing = true;
    if (failClosed) {
      throw new ReadAuditRefusedError(
        `This record cannot be opened right now: the clinic requires every view to be recorded in the audit trail, and the server cannot record it (${codeOf(error)}${
          codeOf(error).startsWith('SQLITE_FULL') ? ': the disk is full' : ''
        }). Nothing was shown. Tell your administrator; the public emergency page still works.`,
      );
    }
    keep(db, { actor, entity, entityId, after, at: now });
  }
}

function keep(db: Db, view: PendingView): void {
  state.db = db;
  if (state.pending.length >= MAX_PENDING) {
    state.pending.shift();
    state.dropped++;
    if (state.dropped === 1 || state.dropped % 1000 === 0) {
      console.error(`${state.dropped} record-view audit row(s) could not be kept: the queue of ${MAX_PENDING} kept rows is full.`);
    }
  }
  state.pending.push(view);
  state.timer ??= setInterval(() => {
    if (state.db) flushQuietly(state.db);
  }, RETRY_MS);
  state.timer.unref?.();
}

/** A failed flush must not fail the read that triggered it: the rows stay queued. */
function flushQuietly(db: Db): void {
  try {
    flushReadAudits(db);
  } catch (error) {
    console.error('Writing the kept record-view audit rows failed; they stay queued', error);
  }
}

/** Writes the kept rows in one transaction; returns how many were written (0 while the storage is still full). */
export function flushReadAudits(db: Db): number {
  const batch = state.pending.slice();
  if (batch.length === 0) return 0;
  try {
    writeTransaction(db, (tx) => {
      for (const v of batch) {
        audit(tx, v.actor, 'view', v.entity, v.entityId, null, { ...v.after, viewedAt: new Date(v.at).toISOString(), recordedLate: true });
      }
    });
  } catch (error) {
    if (noteStorageFailure(error)) return 0;
    throw error;
  }
  state.pending.splice(0, batch.length);
  noteStorageOk();
  if (state.pending.length === 0 && state.timer) {
    clearInterval(state.timer);
    state.timer = null;
  }
  console.log(`Storage works again: wrote ${batch.length} record-view audit row(s) kept while the disk was full.`);
  return batch.length;
}

/** For tests: forget every kept row. */
export function resetReadAudits(): void {
  state.pending = [];
  state.dropped = 0;
  state.failed = 0;
  state.refused = 0;
  state.failing = false;
  state.db = null;
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
}

/**
 * One read request, as the audit records it (issue 14, item 7): which resource was shown, its record id if it
 * is one record, and every patient whose data the answer carried. One row per request, never one per patient
 * or field: a worklist of 40 pumps is one row naming 40 patients.
 */
export interface ReadRecord {
  /** What was read, e.g. 'patient', 'worklist', 'pump-visits', 'fhir:Patient', 'audit-log'. */
  resource: string;
  /** The one record read, when the request names one (a patient, a pump, a date). */
  entityId?: string | number | null;
  /** The patients whose data the answer carried (deduplicated, in order). */
  patientIds: readonly number[];
  /** 'view' for a screen or JSON answer, 'export' for a download. */
  action?: 'view' | 'export';
  /** What else identifies the read: the query, the page, how many rows. No clinical values. */
  detail?: Record<string, unknown>;
}

/** Writes the audit row of one read request (see ReadRecord); a full disk queues a view (see the header). */
export function recordRead(db: Db, actor: Actor, read: ReadRecord, now = clockNow()): void {
  const after = { patientIds: [...new Set(read.patientIds)], ...read.detail };
  const entityId = read.entityId ?? null;
  if (read.action === 'export') {
    // An export is written like a change: a download that cannot be audited is not handed out.
    audit(db, actor, 'export', read.resource, entityId, null, after);
    return;
  }
  auditRead(db, actor, read.resource, entityId, after, now);
}
