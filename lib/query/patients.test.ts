import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './client';
import { queryKeys } from './keys';
import { forecastPreviewQuery, recordVisit, updatePump } from './patients';

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
