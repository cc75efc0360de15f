import { toNextJsHandler } from 'better-auth/next-js';
import { DISK_FULL_SIGN_IN_MESSAGE, storageFailure } from '@/db/storage-state';
import { auth } from '@/lib/auth/auth';
import { clockNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

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

export async function GET(request: Request) {
  return withStorageMessage(() => toNextJsHandler(auth()).GET(request));
}
export async function POST(request: Request) {
  return withStorageMessage(() => toNextJsHandler(auth()).POST(request));
}
