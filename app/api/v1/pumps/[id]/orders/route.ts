import { getDb } from '@/db';
import { ordersOf } from '@/db/queries/orders';
import { staffNamesOf } from '@/db/queries/dtos';
import { pumpInClinic } from '@/db/queries/pumps';
import { api } from '@/lib/http/api';
import { parseId } from '@/lib/validation/ids';

export const dynamic = 'force-dynamic';

/** The physicians' program orders for the pump, newest first (pending, applied and withdrawn). */
export const GET = api({ permission: 'patients:read' }, async ({ staff, params }) => {
  const pumpId = parseId(params.id, 'pump');
  const db = getDb();
  pumpInClinic(db, staff.clinicId, pumpId);
  return { orders: ordersOf(db, [pumpId], staffNamesOf(db, staff.clinicId)) };
});
