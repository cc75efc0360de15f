/**
 * Print pages (emergency card and letter): no staff navigation, just the page and its print bar. Each page
 * still requires a signed-in staff member with cards:print (requirePageStaff).
 */
import type { ReactNode } from 'react';
import { Providers } from '@/app/(staff)/_components/providers';

export default function PrintLayout({ children }: { children: ReactNode }) {
  return <Providers>{children}</Providers>;
}
