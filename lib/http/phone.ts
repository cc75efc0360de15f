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
  return /Mobi|iPhone/.test(headers.get('user-agent') ?? '');
}

/**
 * Pumps on the worklist's first page on a phone, ranked most urgent first as everywhere. Fifty cards are about
 * 8,000 px to scroll and, on a phone's CPU, a third of a second of script before the page answers a tap
 * (docs/performance.md, Lighthouse); twenty are the most urgent of any clinic's day, with "Next" for the rest.
 */
export const PHONE_WORKLIST_PAGE_SIZE = 20;
