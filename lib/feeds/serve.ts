/**
 * Serving the calendar feeds over HTTP (the routes under app/feeds/ stay thin) and building the links staff
 * hand out. Feeds are public addresses: the token in the path is the only credential, so every way of
 * not having a working token (unknown, malformed, revoked, owner disabled) gets the same 404 after the same
 * work: parse, hash, one indexed lookup.
 */
import 'server-only';
import type { NextRequest } from 'next/server';
import { gzipSync } from 'node:zlib';
import QRCode from 'qrcode';
import type { Db } from '@/db';
import { getDb } from '@/db';
import {
  databaseChangeMarker,
  hashFeedToken,
  loadClinicFeed,
  loadPatientFeed,
  recordFeedFetch,
  REPLACED_FEED_GRACE_DAYS,
  resolveClinicFeedToken,
  resolvePatientFeedToken,
  resolveReplacedFeedToken,
  staffFeedScope,
} from '@/db/queries/feeds';
import { buildClinicFeed, buildPatientFeed, buildReplacedFeed, feedEtag, renderFeed } from '@/lib/ical';
import { requestHost, requestOrigin } from '@/lib/http/origin';
import { requestNow } from '@/lib/clock';
import { feedPath, feedTokenFromSegment, type FeedKind, type FeedLink } from '@/lib/validation/feeds';

/**
 * Calendar apps poll about hourly and revalidate with the ETag. Five minutes of private (client-only) caching
 * spares the server a burst of re-fetches; shared caches must not keep a feed at all.
 */
export const FEED_CACHE_CONTROL = 'private, max-age=300';

/** Headers on every feed answer, 404 included: never send the address on, never index it. */
const COMMON_HEADERS = {
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Content-Type-Options': 'nosniff',
} as const;

const NOT_FOUND_BODY =
  'This calendar link does not work. It may have been changed or withdrawn.\n' +
  'Ask your clinic for a new link. If your pump alarm sounds, call the clinic at once.\n';

const SERVER_ERROR_BODY = 'The calendar could not be produced just now. Please try again later.\n';

/** One representation of a feed: the exact bytes sent, and the strong ETag of those bytes. */
export interface FeedBytes {
  body: Buffer;
  etag: string;
}

export interface RenderedFeed {
  plain: FeedBytes;
  /** The gzip encoding, made on first use and kept with the feed (the clinic feed is cached). */
  gzip: () => FeedBytes;
  lastModifiedAt: number;
}

export function render(text: string, lastModifiedAt: number): RenderedFeed {
  const body = Buffer.from(text, 'utf8');
  let gzipped: FeedBytes | null = null;
  return {
    plain: { body, etag: feedEtag(body) },
    gzip: () => {
      // Deterministic: zlib writes no time or name into the header, so the same text always gives the same bytes.
      if (!gzipped) {
        const compressed = gzipSync(body, { level: 6 });
        gzipped = { body: compressed, etag: feedEtag(compressed) };
      }
      return gzipped;
    },
    lastModifiedAt,
  };
}

function plain(request: Request, status: number, text: string): Response {
  const body = Buffer.from(text, 'utf8');
  return new Response(request.method === 'HEAD' ? null : body, {
    status,
    headers: {
      ...COMMON_HEADERS,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
    },
  });
}

/** The one 404 of the feed routes: same status, headers and body whatever the reason. */
export function feedNotFound(request: Request): Response {
  return plain(request, 404, NOT_FOUND_BODY);
}

/** HTTP dates have whole seconds. */
const toHttpDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString();

/**
 * Weak comparison (RFC 9110 13.1.2), as If-None-Match requires: `W/` is ignored, `*` matches any current
 * representation. Only the ETag of the representation being selected counts: a client holding the plain body's
 * ETag that now asks for gzip gets the gzip body (a 304 would name a representation it does not hold).
 */
export function ifNoneMatchMatches(header: string | null, etag: string): boolean {
  if (header == null) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** Not modified since the client's copy? If-None-Match wins; If-Modified-Since only counts without it. */
export function isNotModified(headers: Headers, etag: string, lastModifiedAt: number): boolean {
  const inm = headers.get('if-none-match');
  if (inm != null) return ifNoneMatchMatches(inm, etag);
  const ims = headers.get('if-modified-since');
  if (ims == null) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(lastModifiedAt / 1000) * 1000 <= since;
}

/**
 * Does the client take gzip (RFC 9110 12.5.3)? `gzip`, `x-gzip` or `*` with a q-value above 0; an explicit
 * `gzip;q=0` refuses it even when `*` is listed.
 */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  let gzip: number | null = null;
  let star: number | null = null;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const weight = Number.isFinite(q) ? q : 0;
    if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip ?? 0, weight);
    else if (name === '*') star = weight;
  }
  return (gzip ?? star ?? 0) > 0;
}

/**
 * Set by scripts/server.mjs on every request it passes to Next.js (after removing any the client sent): the
 * server turns the two framing headers below into Content-Length and Content-Encoding once the handler is done.
 * Next.js drops both from a route handler's Response (and would gzip the body itself, with one ETag for both
 * encodings); under `next dev`, which has no such server, the feed is served plain and without a length.
 */
export const FRAMING_REQUEST_HEADER = 'x-pump-server-framing';
export const FRAMING_LENGTH_HEADER = 'x-pump-framing-content-length';
export const FRAMING_ENCODING_HEADER = 'x-pump-framing-content-encoding';

const CHUNK_BYTES = 256 * 1024;

/**
 * The cached bytes as a stream of views into them, handed out as the socket drains: no copy of a body that is
 * megabytes for a large clinic, and no single write of all of it. (Given the whole buffer at once, serving a
 * 127 MB feed cost more than a second of CPU per request.)
 */
export function chunksOf(bytes: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        const end = Math.min(offset + CHUNK_BYTES, bytes.length);
        controller.enqueue(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, end - offset));
        offset = end;
      },
    },
    { highWaterMark: 1 },
  );
}

function feedResponse(request: Request, feed: RenderedFeed, filename: string): Response {
  const framed = request.headers.get(FRAMING_REQUEST_HEADER) === '1';
  const gzip = framed && acceptsGzip(request.headers.get('accept-encoding'));
  const selected = gzip ? feed.gzip() : feed.plain;
  const headers: Record<string, string> = {
    ...COMMON_HEADERS,
    ETag: selected.etag,
    'Last-Modified': toHttpDate(feed.lastModifiedAt),
    // no-transform: Next.js's own compression (and any proxy) leaves the bytes, and so the strong ETag, alone.
    'Cache-Control': `${FEED_CACHE_CONTROL}, no-transform`,
    Vary: 'Accept-Encoding',
  };
  if (isNotModified(request.headers, selected.etag, feed.lastModifiedAt))
    return new Response(null, { status: 304, headers });
  if (framed) {
    headers[FRAMING_LENGTH_HEADER] = String(selected.body.length);
    if (gzip) headers[FRAMING_ENCODING_HEADER] = 'gzip';
  }
  return new Response(request.method === 'HEAD' ? null : chunksOf(selected.body), {
    status: 200,
    headers: {
      ...headers,
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `inline; filename="${filename}"`,
    },
  });
}

/** The host name in event UIDs: the configured public address, else the request's host. */
function feedHost(request: NextRequest): string {
  return requestHost(request.headers);
}

/** Public origin for links staff hand out: PUBLIC_URL when configured, else the request's own origin. */
export function publicOrigin(request: NextRequest): string {
  return requestOrigin(request.headers);
}

/** The https and webcal addresses of a token, and a QR code of the webcal one (SVG, rendered here). */
export async function feedLink(origin: string, kind: FeedKind, token: string): Promise<FeedLink> {
  const url = `${origin}${feedPath(kind, token)}`;
  const webcalUrl = url.replace(/^https?:/, 'webcal:');
  // The QR code carries the webcal address: the iPhone Camera app then opens Calendar's "Subscribe" dialog.
  const svg = await QRCode.toString(webcalUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return {
    url,
    webcalUrl,
    qrSvgDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
  };
}

/**
 * A rotated or revoked link within its grace period: the "link replaced" calendar (no events but one), so that a
 * subscribed copy drops the stale appointments a 404 left in place (issue 16, item 8). Byte for byte the same on
 * every request, so calendar apps revalidate it with 304.
 */
function replacedFeed(db: Db, kind: FeedKind, tokenHash: string, request: NextRequest): RenderedFeed | null {
  const replaced = resolveReplacedFeedToken(db, kind, tokenHash, requestNow());
  if (!replaced) return null;
  const cal = buildReplacedFeed({
    tokenId: replaced.tokenId,
    kind,
    revokedAt: replaced.revokedAt,
    timeZone: replaced.timeZone,
    days: REPLACED_FEED_GRACE_DAYS,
    host: feedHost(request),
  });
  return render(renderFeed(cal), replaced.revokedAt);
}

async function serve(
  request: NextRequest,
  params: Promise<Record<string, string>>,
  kind: FeedKind,
  resolve: (db: Db, tokenHash: string) => { tokenId: number; feed: () => RenderedFeed } | null,
  filename: string,
): Promise<Response> {
  try {
    const segment = (await params).token ?? '';
    const token = feedTokenFromSegment(segment);
    const db = getDb();
    // A malformed segment is hashed and looked up like any other, so that it costs what an unknown token costs.
    const tokenHash = hashFeedToken(token ?? segment);
    const found = resolve(db, tokenHash);
    if (token == null) return feedNotFound(request);
    if (found == null) {
      const replaced = replacedFeed(db, kind, tokenHash, request);
      return replaced ? feedResponse(request, replaced, filename) : feedNotFound(request);
    }
    const response = feedResponse(request, found.feed(), filename);
    // "Last synced" for staff (a 304 is a sync too). After the feed is built: a failed build is not a sync.
    recordFeedFetch(db, found.tokenId, requestNow());
    return response;
  } catch (error) {
    console.error('Calendar feed failed', error);
    return plain(request, 500, SERVER_ERROR_BODY);
  }
}

/** GET/HEAD /feeds/patients/{token}.ics */
export function servePatientFeed(
  request: NextRequest,
  params: Promise<Record<string, string>>,
): Promise<Response> {
  return serve(
    request,
    params,
    'patient',
    (db, tokenHash) => {
      const ref = resolvePatientFeedToken(db, tokenHash);
      if (!ref) return null;
      return {
        tokenId: ref.tokenId,
        feed: () => {
          const feed = loadPatientFeed(db, ref, requestNow(), feedHost(request));
          return render(renderFeed(buildPatientFeed(feed.input)), feed.lastModifiedAt);
        },
      };
    },
    'pump-refills.ics',
  );
}

/** GET/HEAD /feeds/clinics/{token}.ics */
export function serveClinicFeed(
  request: NextRequest,
  params: Promise<Record<string, string>>,
): Promise<Response> {
  return serve(
    request,
    params,
    'clinic',
    (db, tokenHash) => {
      const ref = resolveClinicFeedToken(db, tokenHash);
      if (!ref) return null;
      return { tokenId: ref.tokenId, feed: () => cachedClinicFeed(db, ref.clinicId, ref.userId, requestNow(), feedHost(request)) };
    },
    'pump-refills-clinic.ics',
  );
}

// ---------------------------------------------------------------------------------------------------------
// The clinic feed cache
//
// A clinic of 10,000 pumps has some 29,000 events (13 MB) in its window; building them takes a second or more,
// not the few milliseconds a feed request should, and blocks the server meanwhile. Every nurse's calendar polls the
// same clinic feed, so the rendered body is kept per clinic and reused for MAX_STALE_MS after it was built, and
// after that for as long as (a) the database has not changed (a change marker costing microseconds) and (b) no
// event has left the feed because time passed (`validUntil`). So a clinic rebuilds at most every five minutes, the
// age that Cache-Control allows the calendar app itself: in a large clinic some appointment ends every few
// minutes, and rebuilding at each of them made the cost grow with the square of the clinic's size. Tokens are
// checked on every request, before the cache: a rotated or revoked token, or a disabled account, is refused at once.

const MAX_STALE_MS = 5 * 60_000;
/** Shared clinic feeds and "my patients" feeds (small: one physician's patients). */
const MAX_CACHED_CLINICS = 64;

interface CacheEntry {
  feed: RenderedFeed;
  marker: string;
  builtAt: number;
  validUntil: number;
}

const globalForFeeds = globalThis as unknown as { __clinicFeedCache?: Map<string, CacheEntry> };
const clinicFeedCache = (globalForFeeds.__clinicFeedCache ??= new Map<string, CacheEntry>());

function cachedClinicFeed(db: Db, clinicId: number, userId: string, now: number, host: string): RenderedFeed {
  // "My patients" is a feed of its own per staff member, keyed by when they chose it (so a new choice shows at
  // once); every "whole clinic" viewer shares one feed, the same bytes and ETag for all.
  const scope = staffFeedScope(db, clinicId, userId);
  const mine = scope.scope === 'mine';
  const key = mine ? `${clinicId}|${host}|mine|${userId}|${scope.changedAt ?? 'default'}` : `${clinicId}|${host}|clinic`;
  const marker = databaseChangeMarker(db);
  const hit = clinicFeedCache.get(key);
  if (
    hit &&
    now >= hit.builtAt &&
    (now - hit.builtAt < MAX_STALE_MS || (hit.marker === marker && now < hit.validUntil))
  ) {
    return hit.feed;
  }
  const loaded = loadClinicFeed(db, clinicId, now, host, mine ? { userId, scope: 'mine', changedAt: scope.changedAt } : null);
  const feed = render(renderFeed(buildClinicFeed(loaded.input)), loaded.lastModifiedAt);
  clinicFeedCache.delete(key);
  clinicFeedCache.set(key, { feed, marker, builtAt: now, validUntil: loaded.validUntil });
  while (clinicFeedCache.size > MAX_CACHED_CLINICS) {
    const oldest = clinicFeedCache.keys().next().value;
    if (oldest === undefined) break;
    clinicFeedCache.delete(oldest);
  }
  return feed;
}

/** Tests: forget every cached clinic feed. */
export function clearClinicFeedCache(): void {
  clinicFeedCache.clear();
}
