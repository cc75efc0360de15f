/**
 * Every React Query key of the app, in one vocabulary. Keys are hierarchical: invalidating a prefix refetches
 * every query below it (`queryKeys.worklist.all` refetches each filtered worklist page). The queryOptions()
 * factories beside this file use these keys; mutations invalidate them through `refetchAfter` below, so a write
 * always reaches the queries that show what it changed.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { WorklistQuery } from '@/lib/validation/worklist';

export const queryKeys = {
  /** The worklist ranks by the stored forecast and the next appointment: every clinical or booking write moves it. */
  worklist: {
    all: ['worklist'] as const,
    page: (filter: WorklistQuery) => ['worklist', filter] as const,
  },
  patients: {
    detail: (patientId: number) => ['patients', patientId] as const,
    /** Below the record's key: invalidating a patient's record refetches its alert lists too. */
    alerts: (patientId: number) => ['patients', patientId, 'alerts'] as const,
    feed: (patientId: number) => ['patients', patientId, 'feed'] as const,
    search: (q: string) => ['patients', 'search', q] as const,
    allSearches: ['patients', 'search'] as const,
  },
  /** Every calendar range: a booking or change can touch any of them. */
  appointments: {
    all: ['appointments'] as const,
    range: (from: string, to: string) => ['appointments', 'range', from, to] as const,
  },
  /** Every pump's open slots: any booking or change frees or takes a slot. */
  slots: {
    all: ['slots'] as const,
    pump: (pumpId: number, durationMinutes?: number) => ['slots', pumpId, durationMinutes ?? null] as const,
  },
  settings: ['settings'] as const,
  /** What-if forecasts of the program form: keyed by the request, so an unchanged form is not asked again. */
  forecastPreview: (request: unknown) => ['forecast-preview', request] as const,
  me: {
    feed: ['me', 'feed'] as const,
    tokens: ['me', 'tokens'] as const,
  },
  staff: ['staff'] as const,
};

/** What a write changed, named for what it touches on screen. */
export type Change =
  /** A patient's record, pump, program, alerts or visits: their page and the worklist. */
  | { patientId: number }
  /**
   * Appointments, or the clinic's settings (policy, hours, capacity): the calendars, every pump's slots and the
   * worklist (it shows the next appointment and ranks by the forecasts a policy change recomputes).
   */
  | 'schedule';

/** Marks stale, and refetches where shown, every query a write changed. */
export async function refetchAfter(client: QueryClient, ...changes: Change[]): Promise<void> {
  const keys = new Map<string, readonly unknown[]>();
  const add = (key: readonly unknown[]) => keys.set(JSON.stringify(key), key);
  for (const change of changes) {
    add(queryKeys.worklist.all);
    if (change === 'schedule') {
      add(queryKeys.appointments.all);
      add(queryKeys.slots.all);
    }
    if (typeof change === 'object') add(queryKeys.patients.detail(change.patientId));
  }
  await Promise.all([...keys.values()].map((queryKey) => client.invalidateQueries({ queryKey })));
}
