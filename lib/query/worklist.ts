/** React Query options for the worklist, shared by the server's prefetch (app/(staff)/page.tsx) and the table. */
import { queryOptions } from '@tanstack/react-query';
import type { WorklistPage } from '@/db/queries/worklist';
import type { WorklistQuery } from '@/lib/validation/worklist';
import { fetchJson } from './client';
import { queryKeys } from './keys';

export type { WorklistPage };

/** The query string of a filter, in a fixed order, without the empty values. */
export function worklistSearch(filter: WorklistQuery): string {
  const qs = new URLSearchParams();
  // Keys compared by code unit: `localeCompare` would load ICU's collation data in the browser for ASCII names.
  for (const [k, v] of Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (v !== undefined && v !== '') qs.set(k, String(v));
  return qs.toString();
}

export const worklistQuery = (filter: WorklistQuery) =>
  queryOptions({
    queryKey: queryKeys.worklist.page(filter),
    queryFn: () => fetchJson<WorklistPage>(`/api/v1/worklist?${worklistSearch(filter)}`),
  });
