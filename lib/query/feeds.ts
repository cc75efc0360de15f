/** React Query options for calendar feed links (a patient's, or the signed-in staff member's clinic feed). */
import { queryOptions } from '@tanstack/react-query';
import type { FeedLink, FeedStatus } from '@/lib/validation/feeds';
import { fetchJson } from './client';
import { queryKeys } from './keys';

/** What POST …/feed answers: the new status, and the link itself (the only time it is sent). */
export interface IssuedFeed {
  feed: FeedStatus;
  link: FeedLink;
}

/** Whose link: a patient's, or the signed-in staff member's clinic feed. */
export type FeedOwner = { kind: 'patient'; patientId: number } | { kind: 'clinic' };

/** The JSON API of a link: GET status, POST rotate, DELETE revoke. */
export const feedUrl = (owner: FeedOwner) =>
  owner.kind === 'patient' ? `/api/v1/patients/${owner.patientId}/feed` : '/api/v1/me/feed';

export const feedQuery = (owner: FeedOwner) => {
  const queryKey: readonly unknown[] =
    owner.kind === 'patient' ? queryKeys.patients.feed(owner.patientId) : queryKeys.me.feed;
  return queryOptions({ queryKey, queryFn: () => fetchJson<FeedStatus>(feedUrl(owner)) });
};
