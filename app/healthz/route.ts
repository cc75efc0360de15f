/** GET /healthz: the process is alive and answering (no database access; see /readyz). Public, no PHI. */
import { json } from '@/lib/http/api';
import { clockNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

const startedAt = clockNow();

export function GET() {
  return json({ status: 'ok', uptimeSeconds: Math.floor((clockNow() - startedAt) / 1000) });
}
