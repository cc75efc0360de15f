export { buildClinicFeed, buildPatientFeed, feedEtag, FeedInputError, renderFeed } from './feeds';
export type * from './types';
