'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { adoptZoneTable, type ZoneTable } from '@/lib/domain/zone';
import { makeQueryClient } from '@/lib/query/client';

/**
 * The query client, and the clinic zone's offsets as the server read them (`zone`, from the staff layout) adopted
 * before any page below formats a time: hydrating then creates no Intl formatter, whose ICU data was the longest task
 * of a phone's load (docs/performance.md), and the browser prints what the server printed even with older tz data.
 */
export function Providers({ zone = null, children }: { zone?: ZoneTable | null; children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  // On every render, not once: cheap, and a no-op once the zone has a clock; a clinic that changes its zone in
  // settings gets the new zone's table with the refreshed layout.
  adoptZoneTable(zone);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
