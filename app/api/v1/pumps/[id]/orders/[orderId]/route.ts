import { getDb } from '@/db';
import { clinicActor } from '@/lib/clinic/actor';
import { cancelOrder } from '@/lib/clinic/change-program';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';

export const dynamic = 'force-dynamic';

/** A physician withdraws an order that is still waiting for the next refill. */
export const DELETE = api({ permission: 'programs:write' }, async ({ staff, params }) => {
  const pumpId = parseId(params.id, 'pump');
  const orderId = parseId(params.orderId ?? '', 'order');
  return { order: cancelOrder(getDb(), clinicActor(staff), pumpId, orderId, requestNow()) };
});
