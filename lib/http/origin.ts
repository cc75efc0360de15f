/**
 * The public origin for links staff hand out (calendar feeds, the card's QR code): PUBLIC_URL when configured
 * (production, behind TLS), else the origin the request came to, so that a demo opened at a LAN address gets
 * links to that address rather than to the address the server listens on (0.0.0.0).
 */
import 'server-only';
import { env } from '@/lib/env';

/** A plain host name, IPv4 or bracketed IPv6 address, with an optional port: nothing else goes into a link. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function requestOrigin(requestHeaders: Headers): string {
  const configured = env().PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const forwardedHost = requestHeaders.get('x-forwarded-host')?.split(',')[0]?.trim();
  const candidate = forwardedHost || requestHeaders.get('host')?.trim() || '';
  const host = HOST.test(candidate) ? candidate : `localhost:${env().PORT}`;
  // `next start` speaks plain HTTP; a TLS proxy in front says so in X-Forwarded-Proto.
  const forwardedProto = requestHeaders.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const proto = forwardedProto === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}

/** The host part of the public origin (for calendar UIDs). */
export function requestHost(requestHeaders: Headers): string {
  return new URL(requestOrigin(requestHeaders)).host;
}
