import { forecast } from '@/lib/domain/forecast';
import { api } from '@/lib/http/api';
import { forecastJson } from '@/db/queries/dtos';
import { forecastRequestSchema, toForecastInput } from '@/lib/validation/forecast';

export const dynamic = 'force-dynamic';

/** A stateless what-if calculator: nothing is read from or written to the database. */
export const POST = api({ permission: 'forecast:calculate', body: forecastRequestSchema }, async ({ body }) => {
  const result = forecast(toForecastInput(body));
  return Response.json(forecastJson(result, body.clinic.timeZone), { headers: { 'Cache-Control': 'no-store' } });
});
