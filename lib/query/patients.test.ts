import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './client';
import { queryKeys } from './keys';
import { alertsOfRecord, forecastPreviewQuery, patientAlertsQuery, recordVisit, updatePump, type AlertDto, type PatientDetail } from './patients';

afterEach(() => vi.unstubAllGlobals());

function stubFetch(status: number, body: unknown) {
  const fetch = vi.fn(
    async () =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('clinical query helpers', () => {
  it('posts a visit as JSON to the pump and returns the server answer', async () => {
    const fetch = stubFetch(201, { visit: { id: 9 } });
    const r = await recordVisit(4, { aspiratedResidualMl: 3 });
    expect(r).toEqual({ visit: { id: 9 } });
    expect(fetch).toHaveBeenCalledWith(
      '/api/v1/pumps/4/visits',
      expect.objectContaining({ method: 'POST', body: JSON.stringify({ aspiratedResidualMl: 3 }) }),
    );
  });

  it('turns a 409 into an ApiError with its message, never a success', async () => {
    stubFetch(409, { error: 'This pump was changed by someone else' });
    await expect(updatePump(4, { version: 1, alarmMl: 3 })).rejects.toEqual(expect.any(ApiError));
    await expect(updatePump(4, { version: 1, alarmMl: 3 })).rejects.toMatchObject({
      status: 409,
      message: 'This pump was changed by someone else',
    });
  });

  it('keys the preview by its request, so an unchanged form is not asked again', () => {
    const a = forecastPreviewQuery({ x: 1 }, true);
    expect(a.queryKey).toEqual(['forecast-preview', { x: 1 }]);
    expect(forecastPreviewQuery(null, false).enabled).toBe(false);
    expect(queryKeys.patients.detail(3)).toEqual(['patients', 3]);
  });
});

describe('the patient page’s alerts query', () => {
  const alert = (code: string) => [{ code, severity: 'high', message: code, acknowledged: false }] as unknown as AlertDto[];
  const record = {
    pumps: [
      { id: 7, forecast: { alerts: alert('E3') } },
      { id: 8, forecast: null },
      { id: 9, forecast: { alerts: [] } },
    ],
  } as unknown as PatientDetail;

  it('holds each forecast pump’s alerts, and nothing else of the record', () => {
    expect(alertsOfRecord(record)).toEqual([
      { pumpId: 7, alerts: alert('E3') },
      { pumpId: 9, alerts: [] },
    ]);
  });

  it('sits below the record’s key, so a write that refetches the patient refetches it', () => {
    const key = patientAlertsQuery(3).queryKey;
    expect(key.slice(0, 2)).toEqual([...queryKeys.patients.detail(3)]);
    expect(key).not.toEqual(queryKeys.patients.detail(3));
  });

  it('refetches from the record’s API and keeps only the alerts', async () => {
    const fetch = stubFetch(200, { ...record, patient: { givenName: 'not kept' } });
    const queryFn = patientAlertsQuery(3).queryFn as () => Promise<unknown>;
    await expect(queryFn()).resolves.toEqual(alertsOfRecord(record));
    expect(fetch).toHaveBeenCalledWith('/api/v1/patients/3', expect.anything());
  });
});
