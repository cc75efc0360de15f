/**
 * Calendar feed tokens and links. A feed token is 32 random bytes written as base64url (43 characters, 256
 * bits); the feed address is `/feeds/{patients|clinics}/{token}.ics`. Shared by the feed routes, the JSON API
 * and the pages that show a freshly issued link.
 */
import { z } from 'zod';
import { staffFeedScopes, type StaffFeedScope } from '@/lib/domain/vocabulary';

/** 32 bytes in base64url without padding: exactly 43 characters of A–Z a–z 0–9 - _. */
export const FEED_TOKEN_BYTES = 32;
export const FEED_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const FEED_SUFFIX = '.ics';

export const feedTokenSchema = z.string().regex(FEED_TOKEN_RE, 'Feed token must be 43 characters of A–Z, a–z, 0–9, - or _');

/**
 * The token inside the last path segment of a feed address (`{token}.ics`), or null when the segment is not
 * a well-formed feed address. The caller must treat null exactly like an unknown token.
 */
export function feedTokenFromSegment(segment: string | undefined): string | null {
  if (typeof segment !== 'string' || !segment.endsWith(FEED_SUFFIX)) return null;
  const token = segment.slice(0, -FEED_SUFFIX.length);
  return FEED_TOKEN_RE.test(token) ? token : null;
}

/**
 * Body of POST …/feed (rotate): the id of the link the page showed, or null when it showed none. A different
 * active link means someone else changed it meanwhile: 409, rather than silently cutting off the link a
 * colleague has just handed to a patient.
 */
export const rotateFeedSchema = z.object({
  replaces: z
    .number({ message: 'replaces must be the id of the calendar link shown on the page, or null when none was shown' })
    .int('replaces must be a whole number')
    .positive('replaces must be a positive id')
    .nullable(),
});
export type RotateFeedInput = z.infer<typeof rotateFeedSchema>;

export const FEED_KINDS = ['patient', 'clinic'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

/** The path of a feed address for a token. */
export function feedPath(kind: FeedKind, token: string): string {
  return `/feeds/${kind === 'patient' ? 'patients' : 'clinics'}/${token}${FEED_SUFFIX}`;
}

/** A freshly issued link as the API returns it (once) and the print handout receives it. */
export const feedLinkSchema = z.object({
  url: z.url({ protocol: /^https?$/, message: 'url must be an http(s) address' }),
  webcalUrl: z.string().regex(/^webcal:\/\/[^\s]+$/, 'webcalUrl must be a webcal:// address'),
  /** The QR code (of the webcal address) as an SVG data URL, rendered on the server. */
  qrSvgDataUrl: z.string().regex(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/, 'qrSvgDataUrl must be an SVG data URL'),
});
export type FeedLink = z.infer<typeof feedLinkSchema>;

/** The link handed to the print handout (key and lifetime in ./limits.ts). */
export const handoffSchema = feedLinkSchema.extend({
  patientId: z.number().int().positive(),
  issuedAt: z.number().int().nonnegative(),
});
export type FeedHandoff = z.infer<typeof handoffSchema>;

/** The status of a feed as the API returns it: never the token or its hash. */
export interface FeedStatus {
  active: boolean;
  /** Id of the active link (send it back as `replaces` to rotate). */
  tokenId: number | null;
  createdAt: number | null;
  /** When a calendar app last fetched the active link (to within a few minutes), or null: never. */
  lastFetchedAt: number | null;
}

/**
 * Body of PUT …/feed/first-name: whether the patient consents to their first name in their own feed, and the
 * patient record's version the page read (409 if it moved).
 */
export const feedFirstNameConsentSchema = z.object({
  consent: z.boolean({ message: 'consent must be true (the patient agrees to show their first name) or false' }),
  version: z
    .number({ message: 'version must be the patient record version the page read (reload the page)' })
    .int('version must be a whole number')
    .min(1, 'version must be the patient record version the page read (reload the page)'),
});
export type FeedFirstNameConsentInput = z.infer<typeof feedFirstNameConsentSchema>;

/** The patient's consent to their first name in their feed, as the API returns it. */
export interface FeedFirstNameConsent {
  patientId: number;
  /** The patient record's version: send it back to change the consent. */
  version: number;
  /** The first name the feed would show (the first word of the given name). */
  firstName: string | null;
  consentedAt: number | null;
  recordedByName: string | null;
}

/** PUT /api/v1/me/feed/scope: what the staff member's own clinic feed shows (decision 026). */
export const staffFeedScopeSchema = z.object({
  scope: z.enum(staffFeedScopes, { message: 'scope must be "mine" (my patients) or "clinic" (the whole clinic)' }),
});
export type StaffFeedScopeInput = z.infer<typeof staffFeedScopeSchema>;

/** What a staff member's clinic feed shows, whether they chose it, and how many patients name them as physician. */
export interface StaffFeedScopeStatus {
  scope: StaffFeedScope;
  /** False while the default applies (no choice recorded). */
  chosen: boolean;
  /** When the choice was last changed (the "my patients" feed's DTSTAMP follows it); null while the default applies. */
  changedAt: number | null;
  managedPatients: number;
}
