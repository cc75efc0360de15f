import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys, refetchAfter } from './keys';

/** A client holding one cached entry under each key a screen reads, none stale yet. */
function clientWithScreens() {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  const keys = {
    worklist: queryKeys.worklist.page({ status: 'overdue', page: 2 }),
    patient3: queryKeys.patients.detail(3),
    patient4: queryKeys.patients.detail(4),
    calendar: queryKeys.appointments.range('2026-03-02', '2026-03-08'),
    slots: queryKeys.slots.pump(4, 30),
    settings: queryKeys.settings,
  };
  for (const key of Object.values(keys)) client.setQueryData(key, { cached: true });
  const stale = () =>
    Object.entries(keys)
      .filter(([, key]) => client.getQueryState(key)?.isInvalidated)
      .map(([name]) => name)
      .sort();
  return { client, stale };
}

describe('refetchAfter: a write reaches the queries that show what it changed', () => {
  it("a patient's change: their record and every worklist page, not another patient nor the calendar", async () => {
    const { client, stale } = clientWithScreens();
    await refetchAfter(client, { patientId: 3 });
    expect(stale()).toEqual(['patient3', 'worklist']);
  });

  it('a booking or a settings change: calendars, slots and the worklist, not the patient records', async () => {
    const { client, stale } = clientWithScreens();
    await refetchAfter(client, 'schedule');
    expect(stale()).toEqual(['calendar', 'slots', 'worklist']);
  });

  it('a refill (a patient and their appointments): both sets, once each', async () => {
    const { client, stale } = clientWithScreens();
    await refetchAfter(client, { patientId: 4 }, 'schedule');
    expect(stale()).toEqual(['calendar', 'patient4', 'slots', 'worklist']);
  });
});
