import { getDb } from '@/db';
import { cancelOrder } from '@/db/queries/programs';
import { api } from '@/lib/server/api';
import { requestNow } from '@/lib/server/clock';
import { parseId } from '@/lib/validation/ids';

export const dynamic = 'force-dynamic';

/** A physician withdraws an order that is still waiting for the next refill. */
export const DELETE = api({ permission: 'programs:write' }, async ({ staff, params }) => {
  const pumpId = parseId(params.id, 'pump');
  const orderId = parseId(params.orderId ?? '', 'order');
  return { order: cancelOrder(getDb(), staff, pumpId, orderId, requestNow()) };
});
