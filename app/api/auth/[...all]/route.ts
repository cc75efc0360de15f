/**
 * better-auth's handler behind four checks of our own (lib/auth/endpoints.ts): only the endpoints the app
 * uses, a small body limit read before anything else, the clinic's idle rule (an idle session is ended before
 * better-auth sees it, lib/auth/session.ts), and no raw session token in a JSON answer.
 */
import { toNextJsHandler } from 'better-auth/next-js';
import { DISK_FULL_SIGN_IN_MESSAGE, storageFailure } from '@/db/storage-state';
import { auth } from '@/lib/auth/auth';
import { endSessionIfIdle } from '@/lib/auth/session';
import { clockNow, requestNow } from '@/lib/clock';
import { MAX_AUTH_BODY_BYTES, isAllowedAuthRequest, readLimitedBody, withoutSessionTokens } from '@/lib/auth/endpoints';

export const dynamic = 'force-dynamic';

const json = (status: number, body: unknown) => Response.json(body, { status });

/**
 * better-auth answers a failed database write with an empty 500; when that write failed for a full disk (noted
 * by its onAPIError hook, lib/auth/auth.ts), say so instead: 503 with a message the sign-in form shows.
 */
async function withStorageMessage(handle: () => Promise<Response>): Promise<Response> {
  const started = clockNow();
  const response = await handle();
  const failure = storageFailure();
  if (response.status < 500 || !failure || failure.at < started) return response;
  return Response.json(
    { code: 'STORAGE_FULL', message: DISK_FULL_SIGN_IN_MESSAGE },
    { status: 503, headers: { 'Cache-Control': 'no-store' } },
  );
}

async function authHandler(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (!isAllowedAuthRequest(request.method, pathname)) return json(404, { code: 'NOT_FOUND', message: 'Not found' });
  let forwarded = request;
  if (request.method === 'POST') {
    const body = await readLimitedBody(request, MAX_AUTH_BODY_BYTES);
    if (!body) return json(413, { code: 'BODY_TOO_LARGE', message: `The request body is too large (limit ${MAX_AUTH_BODY_BYTES / 1024} KiB).` });
    forwarded = new Request(request.url, { method: 'POST', headers: request.headers, body: body as BodyInit });
  }
  await endSessionIfIdle(request.headers, requestNow());
  const handler = toNextJsHandler(auth());
  const response = await withStorageMessage(() => (request.method === 'POST' ? handler.POST(forwarded) : handler.GET(forwarded)));
  if (!response.headers.get('content-type')?.includes('application/json')) return response;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(withoutSessionTokens(parsed)), { status: response.status, headers });
}

export const GET = authHandler;
export const POST = authHandler;
