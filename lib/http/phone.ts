/**
 * Whether a request comes from a phone, read from its headers: the user agent's "Mobi" token (Safari on an iPhone,
 * Firefox on Android, Chrome's "Mobile Safari") or "iPhone", or the `Sec-CH-UA-Mobile: ?1` client hint that
 * Chromium-based browsers send on a phone. "Request desktop site" changes both to a desktop's. A tablet is not a
 * phone: iPadOS asks for desktop pages, and Android tablets leave "Mobile" out.
 *
 * Used only to choose a default, never to decide what a user may see: the worklist's first page on a phone is
 * shorter (PHONE_WORKLIST_PAGE_SIZE), the pager and the counts say how many more there are, and `?pageSize=`
 * still sets it.
 */
export function isPhoneRequest(headers: Pick<Headers, 'get'>): boolean {
  if (headers.get('sec-ch-ua-mobile') === '?1') return true;
  const agent = headers.get('user-agent') ?? '';
  // Some iPad browsers still write "Mobile/15E148" in their agent: an iPad is not a phone.
  return /Mobi|iPhone/.test(agent) && !/iPad/.test(agent);
}

/**
 * Pumps on the worklist's first page on a phone, ranked most urgent first as everywhere. Fifty cards are about
 * 8,000 px to scroll and, on a phone's CPU, a third of a second of script before the page answers a tap
 * (docs/performance.md, Lighthouse); twenty are the most urgent of any clinic's day, with "Next" for the rest.
 */
export const PHONE_WORKLIST_PAGE_SIZE = 20;

/**
 * The first page on a phone never stops inside the most dangerous tiers: with more empty and critical pumps than
 * PHONE_WORKLIST_PAGE_SIZE, the page holds all of them (up to the largest page, 200), so none is left for "Next".
 */
export function phoneWorklistPageSize(counts: { empty: number; critical: number }): number {
  return Math.min(200, Math.max(PHONE_WORKLIST_PAGE_SIZE, counts.empty + counts.critical));
}
