/** GET /healthz: the process is alive and answering (no database access; see /readyz). Public, no PHI. */
import { json } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

const startedAt = Date.now();

export function GET() {
  return json({ status: 'ok', uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000) });
}
