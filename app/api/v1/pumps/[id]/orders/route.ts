import { getDb } from '@/db';
import { ordersOf } from '@/db/queries/orders';
import { staffNamesOf } from '@/db/queries/dtos';
import { pumpInClinic } from '@/db/queries/pumps';
import { api } from '@/lib/http/api';
import { parseId } from '@/lib/validation/ids';

export const dynamic = 'force-dynamic';

/** The physicians' program orders for the pump, newest first (pending, applied and withdrawn). */
export const GET = api({ permission: 'clinical:read', reads: { resource: 'pump-orders' } }, async ({ staff, params, read }) => {
  const pumpId = parseId(params.id, 'pump');
  const db = getDb();
  read({ entityId: pumpId, patientIds: [pumpInClinic(db, staff.clinicId, pumpId).patientId] });
  return { orders: ordersOf(db, [pumpId], staffNamesOf(db, staff.clinicId)) };
});
