/**
 * Auditing a read without letting the audit stop the read (issue 13, item 7). Opening a patient, printing a
 * card or letter writes a 'view' audit row; while the disk is full that insert fails with SQLITE_FULL, and the
 * nurse at the bedside must still see the pump's dose and refill date. So a read's audit row that cannot be
 * written is kept in memory (at most MAX_PENDING; the oldest are dropped past that, and counted) and written as
 * soon as storage works again: on the next read that audits, and every RETRY_MS until the queue is empty.
 * A row written late keeps the time of the view in `after.viewedAt` and says `recordedLate: true`.
 *
 * The public emergency page writes nothing and is unaffected. (A clinic policy of failing closed, refusing
 * the read instead, is not offered yet: see docs/operations.md.)
 *
 * The buffering is around audit() (db/queries/audit.ts), never inside it: the audit row itself, and any
 * chaining of rows, stays that function's business.
 */
import { clockNow } from '../lib/clock';
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
  timer: ReturnType<typeof setInterval> | null;
}

const globalForReads = globalThis as unknown as { __pumpReadAudit?: ReadAuditState };
const state = (globalForReads.__pumpReadAudit ??= { db: null, pending: [], dropped: 0, timer: null });

/** Audit rows of reads waiting for storage, and how many were dropped because the queue was full. */
export function pendingReadAudits(): { pending: number; dropped: number } {
  return { pending: state.pending.length, dropped: state.dropped };
}

/**
 * Writes the 'view' audit row of a read, or keeps it for later when the storage is full (see the header).
 * Other errors are thrown as before.
 */
export function auditRead(
  db: Db,
  actor: Actor,
  entity: string,
  entityId: string | number | null,
  after: Record<string, unknown> | null = null,
  now = clockNow(),
): void {
  if (state.pending.length > 0) flushQuietly(db);
  try {
    audit(db, actor, 'view', entity, entityId, null, after);
    noteStorageOk();
  } catch (error) {
    if (!noteStorageFailure(error, now)) throw error;
    keep(db, { actor, entity, entityId, after, at: now });
  }
}

function keep(db: Db, view: PendingView): void {
  state.db = db;
  if (state.pending.length >= MAX_PENDING) {
    state.pending.shift();
    state.dropped++;
    if (state.dropped === 1 || state.dropped % 1000 === 0) {
      console.error(`The disk is full: ${state.dropped} record-view audit row(s) could not be kept (queue of ${MAX_PENDING} full).`);
    }
  }
  if (state.pending.length === 0) {
    console.error('The disk is full: record views are served, their audit rows are kept in memory until it has space.');
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
