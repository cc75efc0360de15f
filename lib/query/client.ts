import { QueryClient } from '@tanstack/react-query';

/**
 * A query client. Pages make one per request to prefetch what their client components read, and hand it over with
 * `<HydrationBoundary state={dehydrate(client)}>` (docs/decisions/011-tanstack-query.md). The stale time above
 * zero keeps the browser from refetching at once what the server has just rendered.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, refetchOnWindowFocus: true, retry: 1 },
      mutations: { retry: false },
    },
  });
}

/** Fetches JSON from the app's API; a non-2xx answer becomes an ApiError with the server's message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...init?.headers },
  });
  const body = (await response.json().catch(() => ({}))) as { error?: string; fields?: Record<string, string> };
  if (!response.ok) {
    throw new ApiError(body.error ?? `Request failed (${response.status})`, response.status, body.fields ?? {});
  }
  return body as T;
}
