/**
 * What the app exposes of better-auth under /api/auth/*: an allow-list, not better-auth's whole surface.
 *
 * better-auth serves some thirty endpoints; the app uses a handful. `update-user` let any nurse rename herself
 * "Dr. Ana Ortiz", and her refills then read "performed by Dr. Ana Ortiz" (issue 14, item 5). Names, roles and
 * emails change only through the admin's staff page (audited). An allow-list also keeps closed whatever a
 * future better-auth version adds. Paths are compared exactly, so `//update-user` spellings do not slip by.
 */
export const AUTH_BASE = '/api/auth';

export const allowedAuthEndpoints: Readonly<Record<'GET' | 'POST', readonly string[]>> = {
  GET: ['/get-session'],
  POST: [
    '/sign-in/email',
    '/sign-out',
    // The second factor at sign-in (better-auth's twoFactor plugin). Enrolment, new recovery codes and switching
    // it off go through /api/v1/me/mfa/* (lib/auth/mfa.ts), which call the plugin on the server and audit.
    '/two-factor/verify-totp',
    '/two-factor/verify-backup-code',
  ],
};

/** Whether a request to /api/auth/* may reach better-auth. */
export function isAllowedAuthRequest(method: string, pathname: string): boolean {
  if (method !== 'GET' && method !== 'POST') return false;
  if (!pathname.startsWith(`${AUTH_BASE}/`)) return false;
  return allowedAuthEndpoints[method].includes(pathname.slice(AUTH_BASE.length));
}

/** Bodies of sign-in and two-factor requests are small JSON; 60 MB was once read in full. */
export const MAX_AUTH_BODY_BYTES = 16 * 1024;

/**
 * Reads at most `max` bytes of a body, stopping (and cancelling the stream) as soon as it is exceeded.
 * Returns null when the body is too large.
 */
export async function readLimitedBody(request: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > max) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Removes raw session tokens from better-auth's JSON answers (sign-in returns `token`, get-session
 * `session.token`): the session lives in an HttpOnly cookie, and a token in a JSON body is readable by any
 * script on the page.
 */
export function withoutSessionTokens(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  delete copy.token;
  if (copy.session && typeof copy.session === 'object') {
    const session = { ...(copy.session as Record<string, unknown>) };
    delete session.token;
    copy.session = session;
  }
  return copy;
}
