import { getDb } from '@/db';
import { pumpForecastFor } from '@/db/queries/pumps';
import { api } from '@/lib/http/api';
import { forecastJson } from '@/db/queries/dtos';
import { parseId } from '@/lib/validation/ids';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'clinical:read', reads: { resource: 'pump-forecast' } }, async ({ staff, params, read }) => {
  const pumpId = parseId(params.id, 'pump');
  const { forecast, timeZone, pump } = pumpForecastFor(getDb(), staff.clinicId, pumpId, requestNow());
  read({ entityId: pump.id, patientIds: [pump.patientId] });
  return { pumpId: pump.id, patientId: pump.patientId, ...forecastJson(forecast, timeZone) };
});
