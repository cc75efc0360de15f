/**
 * Whether the database can store writes right now, as the writes themselves found out. SQLite answers
 * SQLITE_FULL when the disk (or the file's size limit) is full and SQLITE_IOERR when the disk fails; both leave
 * the database intact (the statement is rolled back), and reading goes on working. The write probe of /readyz
 * cannot see a full disk (it writes no page), so the last failure is remembered here and reported there until
 * a write succeeds again.
 *
 * Kept on globalThis: Next.js bundles this module more than once (instrumentation hook, route handlers, pages).
 */
import { clockNow } from '../lib/clock';

/** What a write refused for a full disk answers (503). */
export const DISK_FULL_MESSAGE =
  "The server's disk is full. Nothing was saved: tell your administrator to free space on the disk that holds the database. Records can still be opened and read.";

/** What a sign-in refused for a full disk answers (503): a session cannot be stored. */
export const DISK_FULL_SIGN_IN_MESSAGE =
  "The server's disk is full, so no one can sign in until an administrator frees space on it. Staff already signed in can go on reading records.";

export interface StorageFailure {
  code: string;
  at: number;
}

interface StorageState {
  failure: StorageFailure | null;
}

const globalForStorage = globalThis as unknown as { __pumpStorage?: StorageState };
const state = (globalForStorage.__pumpStorage ??= { failure: null });

function sqliteCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** SQLITE_FULL (disk or size limit full) or SQLITE_IOERR* (disk I/O error): the storage, not the request. */
export function isStorageError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code != null && (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR'));
}

export function isDiskFull(error: unknown): boolean {
  return sqliteCode(error)?.startsWith('SQLITE_FULL') ?? false;
}

/** Records a failed write when it failed for lack of storage; returns whether it did. */
export function noteStorageFailure(error: unknown, now = clockNow()): boolean {
  if (!isStorageError(error)) return false;
  state.failure = { code: sqliteCode(error)!, at: now };
  return true;
}

/** A write reached the file: the storage works again. */
export function noteStorageOk(): void {
  state.failure = null;
}

/**
 * Runs a write that a read does on the side (a session's last-activity time, a token's last use) so that a
 * full disk does not fail the read: a storage error is noted and the write skipped; any other error is thrown.
 */
export function bestEffortWrite(write: () => void): void {
  try {
    write();
  } catch (error) {
    if (!noteStorageFailure(error)) throw error;
  }
}

/** The last storage failure since the last successful write, or null. */
export function storageFailure(): StorageFailure | null {
  return state.failure;
}
