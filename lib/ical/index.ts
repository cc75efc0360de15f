export { buildClinicFeed, buildPatientFeed, buildReplacedFeed, feedEtag, FeedInputError, OVERDUE_ENTRY_DAYS, renderFeed } from './feeds';
export type * from './types';
