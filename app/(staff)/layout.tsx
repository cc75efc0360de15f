import Link from 'next/link';
import { Suspense, type ReactNode } from 'react';
import { DemoBanner } from '@/app/_components/demo-banner';
import { getDb } from '@/db';
import { clinicHeader } from '@/db/queries/clinics';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { requestNow } from '@/lib/clock';
import { zoneTable, type ZoneTable } from '@/lib/domain/zone';
import { IdleSignOut, SignOutButton } from './_components/session-controls';
import { DateOrderProvider } from './_components/date-order';
import { Providers } from './_components/providers';

export default async function StaffLayout({ children }: { children: ReactNode }) {
  const staff = await requireSignedIn();
  const clinic = clinicHeader(getDb(), staff.clinicId);
  return (
    <Providers zone={clinic ? clinicZoneTable(clinic.timeZone) : null}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <strong>Pump refills</strong>
          <span className="muted">{clinic?.name}</span>
        </div>
        {/* Hydrated after the page (its links work as plain links until then): a boundary that never suspends
            splits hydration into short tasks, which keeps a phone's main thread free. No prefetch: every page here
            is dynamic and has no loading state, so a prefetch fetches nothing a click could show sooner, yet it
            cost a request to the server (session check and layout) per link in view on every page load, 26 on
            the patient page (docs/performance.md). */}
        <Suspense>
          <nav aria-label="Main">
            {can(staff.role, 'patients:read') && <Link prefetch={false} href="/">Worklist</Link>}
            {can(staff.role, 'patients:read') && <Link prefetch={false} href="/recall">Recall</Link>}
            {can(staff.role, 'patients:read') && <Link prefetch={false} href="/appointments">Appointments</Link>}
            {can(staff.role, 'patients:read') && <Link prefetch={false} href="/patients">Patients</Link>}
            {can(staff.role, 'patients:read') && <Link prefetch={false} href="/reports">Reports</Link>}
            {can(staff.role, 'patients:write') && <Link prefetch={false} href="/patients/new">Add patient</Link>}
            {can(staff.role, 'patients:import') && <Link prefetch={false} href="/import">Import</Link>}
            {can(staff.role, 'settings:read') && <Link prefetch={false} href="/settings">Settings</Link>}
            {can(staff.role, 'staff:manage') && <Link prefetch={false} href="/admin/staff">Staff</Link>}
            {can(staff.role, 'audit:read') && <Link prefetch={false} href="/admin/audit">Audit</Link>}
            {can(staff.role, 'feeds:own') && <Link prefetch={false} href="/me/feed">My calendar feed</Link>}
            <Link prefetch={false} href="/me/tokens">API tokens</Link>
            <Link prefetch={false} href="/me/password">Password</Link>
            <Link prefetch={false} href="/me/security">Two-step sign-in</Link>
          </nav>
        </Suspense>
        <div className="who">
          <span>
            {staff.name} <span className="role">{staff.role}</span>
          </span>
          <SignOutButton />
        </div>
      </header>
      {clinic?.isDemo && <DemoBanner />}
      <IdleSignOut minutes={clinic?.idleTimeoutMinutes ?? 15} />
      <main id="main">
        <DateOrderProvider order={clinic?.dateOrder ?? 'm/d/y'}>{children}</DateOrderProvider>
      </main>
    </Providers>
  );
}

/**
 * The clinic zone's offsets for the browser, which then prints the page's times without creating an Intl formatter
 * at load (lib/domain/zone.ts, `adoptZoneTable`). A zone this runtime does not know gives none: the page then fails
 * where it formats a time, as it did before.
 */
function clinicZoneTable(timeZone: string): ZoneTable | null {
  try {
    return zoneTable(timeZone, requestNow());
  } catch {
    return null;
  }
}
