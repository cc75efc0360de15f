/**
 * The public origin for links staff hand out (calendar feeds, the card's QR code): PUBLIC_URL when configured
 * (production, behind TLS), else the origin the request came to, so that a demo opened at a LAN address gets
 * links to that address rather than to the address the server listens on (0.0.0.0).
 *
 * X-Forwarded-Host and -Proto count only when TRUSTED_PROXIES is configured: the server (scripts/server.mjs)
 * then keeps them only on requests that really came from such a proxy. Without it a client could choose the
 * host written into QR codes and feed links.
 */
import 'server-only';
import { env } from '@/lib/env';

/** A plain host name, IPv4 or bracketed IPv6 address, with an optional port: nothing else goes into a link. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function requestOrigin(requestHeaders: Headers): string {
  const configured = env().PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const behindProxy = !!env().TRUSTED_PROXIES?.trim();
  const forwardedHost = behindProxy ? requestHeaders.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  const candidate = forwardedHost || requestHeaders.get('host')?.trim() || '';
  const host = HOST.test(candidate) ? candidate : `localhost:${env().PORT}`;
  // `next start` speaks plain HTTP; a TLS proxy in front says so in X-Forwarded-Proto.
  const forwardedProto = behindProxy ? requestHeaders.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() : undefined;
  const proto = forwardedProto === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}

/** The host part of the public origin (for calendar UIDs). */
export function requestHost(requestHeaders: Headers): string {
  return new URL(requestOrigin(requestHeaders)).host;
}
