/**
 * A staff member's clinic calendar feed: `/feeds/clinics/{token}.ics`. Public: the token is the credential, and it
 * stops working when its owner's account is disabled or loses `feeds:own` (docs/feeds.md).
 */
import type { NextRequest } from 'next/server';
import { serveClinicFeed } from '@/lib/feeds/serve';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<Record<string, string>> };

export function GET(request: NextRequest, { params }: Context): Promise<Response> {
  return serveClinicFeed(request, params);
}

export function HEAD(request: NextRequest, { params }: Context): Promise<Response> {
  return serveClinicFeed(request, params);
}
