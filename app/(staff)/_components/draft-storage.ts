/**
 * Half-filled forms kept in the tab's sessionStorage, so that an idle sign-out loses no work (issue 14, item 10):
 * restored after signing in again, in the same tab only. Never localStorage (it outlives the tab and is shared
 * by every tab), never the server. Keyed by user, so the next person at a shared workstation never sees it,
 * and by the record, with the record's basis: a draft typed against a pump whose last refill or program has
 * since changed is dropped rather than restored over newer facts. Cleared on submit and on signing out by hand.
 */
const PREFIX = 'draft:';

interface Stored<T> {
  basis: string;
  savedAt: number;
  value: T;
}

export function draftKey(form: string, userId: string, recordId: number | string): string {
  return `${PREFIX}${form}:${userId}:${recordId}`;
}

export function saveDraft<T>(storage: Storage, key: string, basis: string, value: T, now: number): void {
  try {
    storage.setItem(key, JSON.stringify({ basis, savedAt: now, value } satisfies Stored<T>));
  } catch {
    // Full or blocked storage: the form works on; only the restore after an idle sign-out is lost.
  }
}

export function loadDraft<T>(storage: Storage, key: string, basis: string): T | null {
  try {
    const raw = storage.getItem(key);
    if (!raw) return null;
    const stored = JSON.parse(raw) as Partial<Stored<T>>;
    if (stored.basis !== basis || stored.value === undefined) {
      storage.removeItem(key);
      return null;
    }
    return stored.value;
  } catch {
    return null;
  }
}

export function clearDraft(storage: Storage, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    /* blocked storage: nothing was kept */
  }
}

/** On signing out by hand: every kept draft of this tab. */
export function clearAllDrafts(storage: Storage): void {
  try {
    for (const key of Object.keys(storage)) if (key.startsWith(PREFIX)) storage.removeItem(key);
  } catch {
    /* blocked storage: nothing was kept */
  }
}
