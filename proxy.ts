/**
 * Runs before every request: a fresh CSP nonce (scripts run only with it), and a cheap redirect to sign-in
 * for pages without a session cookie. The real authorization is on the server in every page and handler.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { hstsHeader } from '@/lib/http/hsts';

const PUBLIC_PREFIXES = ['/sign-in', '/emergency', '/feeds/', '/attend/', '/api/', '/_next/', '/favicon', '/forbidden'];

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const dev = process.env.NODE_ENV !== 'production';
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (charts, print sizes) carry no script; scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

  const path = request.nextUrl.pathname;
  const isPublic = path === '/emergency' || path === '/healthz' || path === '/readyz' || PUBLIC_PREFIXES.some((p) => path.startsWith(p));
  const hasSessionCookie = request.cookies.getAll().some((c) => c.name.endsWith('better-auth.session_token'));
  if (!isPublic && !hasSessionCookie) {
    const url = request.nextUrl.clone();
    url.pathname = '/sign-in';
    url.search = `?next=${encodeURIComponent(path + request.nextUrl.search)}`;
    return withHsts(NextResponse.redirect(url));
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return withHsts(response);
}

/** HSTS on every answer when PUBLIC_URL is https (lib/http/hsts.ts), read at run time, not baked in at build. */
function withHsts(response: NextResponse): NextResponse {
  const hsts = hstsHeader(process.env.PUBLIC_URL);
  if (hsts) response.headers.set('Strict-Transport-Security', hsts);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico).*)' }],
};
