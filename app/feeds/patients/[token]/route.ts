/** A patient's calendar feed: `/feeds/patients/{token}.ics`. Public: the token is the credential (docs/feeds.md). */
import type { NextRequest } from 'next/server';
import { servePatientFeed } from '@/lib/feeds/serve';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<Record<string, string>> };

export function GET(request: NextRequest, { params }: Context): Promise<Response> {
  return servePatientFeed(request, params);
}

export function HEAD(request: NextRequest, { params }: Context): Promise<Response> {
  return servePatientFeed(request, params);
}
