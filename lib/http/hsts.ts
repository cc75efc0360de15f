/**
 * Strict-Transport-Security for a clinic served over https (issue 14, item 11): once a browser has seen the
 * header it refuses plain http to this host for a year, so a sign-in or a session cookie is never sent in
 * the clear after a downgrade (an http link, a hostile network). Sent only when PUBLIC_URL is https: over
 * plain http (local trials, the e2e server) a browser ignores it and a future http-only host must keep
 * working. No includeSubDomains and no preload: the clinic's hostname is usually a sub-domain of a hospital's,
 * whose other hosts this app has no say over.
 */
export const HSTS_VALUE = 'max-age=31536000';

/** The header value for this deployment, or null when PUBLIC_URL is not an https URL. */
export function hstsHeader(publicUrl: string | undefined): string | null {
  if (!publicUrl) return null;
  try {
    return new URL(publicUrl).protocol === 'https:' ? HSTS_VALUE : null;
  } catch {
    return null;
  }
}
