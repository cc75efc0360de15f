'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { DateOrder } from '@/lib/domain/typed-dates';

const DateOrderContext = createContext<DateOrder | null>(null);

/** The clinic's date order (a setting), given to every DateInput below it; set by the staff and print layouts. */
export function DateOrderProvider({ order, children }: { order: DateOrder; children: ReactNode }) {
  return <DateOrderContext.Provider value={order}>{children}</DateOrderContext.Provider>;
}

/**
 * The clinic's date order. There is no default: a date input outside a provider would have to guess how to read
 * 2/12/2026, and a guess is how a visit lands on the wrong day, so it fails loudly instead.
 */
export function useDateOrder(): DateOrder {
  const order = useContext(DateOrderContext);
  if (!order)
    throw new Error('A date input needs the clinic’s date order: render it inside <DateOrderProvider>.');
  return order;
}
