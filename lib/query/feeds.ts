/** React Query options for calendar feed links, shared by the server's first render and the client panels. */
import { queryOptions } from '@tanstack/react-query';
import type { FeedLink, FeedStatus } from '@/lib/validation/feeds';
import { fetchJson } from './client';

/** What POST …/feed answers: the new status, and the link itself (the only time it is sent). */
export interface IssuedFeed {
  feed: FeedStatus;
  link: FeedLink;
}

export const patientFeedUrl = (patientId: number) => `/api/v1/patients/${patientId}/feed`;
export const myFeedUrl = '/api/v1/me/feed';

export const patientFeedKey = (patientId: number) => ['patients', patientId, 'feed'] as const;
export const myFeedKey = ['me', 'feed'] as const;

export const patientFeedQuery = (patientId: number) =>
  queryOptions({ queryKey: patientFeedKey(patientId), queryFn: () => fetchJson<FeedStatus>(patientFeedUrl(patientId)) });

export const myFeedQuery = () => queryOptions({ queryKey: myFeedKey, queryFn: () => fetchJson<FeedStatus>(myFeedUrl) });
