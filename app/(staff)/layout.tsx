import Link from 'next/link';
import type { ReactNode } from 'react';
import { DemoBanner } from '@/app/_components/demo-banner';
import { getDb } from '@/db';
import { clinicHeader } from '@/db/queries/clinics';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { IdleSignOut, SignOutButton } from './_components/session-controls';
import { DateOrderProvider } from './_components/date-order';
import { Providers } from './_components/providers';

export default async function StaffLayout({ children }: { children: ReactNode }) {
  const staff = await requireSignedIn();
  const clinic = clinicHeader(getDb(), staff.clinicId);
  return (
    <Providers>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <strong>Pump refills</strong>
          <span className="muted">{clinic?.name}</span>
        </div>
        <nav aria-label="Main">
          {can(staff.role, 'patients:read') && <Link href="/">Worklist</Link>}
          {can(staff.role, 'patients:read') && <Link href="/recall">Recall</Link>}
          {can(staff.role, 'patients:read') && <Link href="/appointments">Appointments</Link>}
          {can(staff.role, 'patients:read') && <Link href="/patients">Patients</Link>}
          {can(staff.role, 'patients:read') && <Link href="/reports">Reports</Link>}
          {can(staff.role, 'patients:write') && <Link href="/patients/new">Add patient</Link>}
          {can(staff.role, 'patients:import') && <Link href="/import">Import</Link>}
          {can(staff.role, 'settings:read') && <Link href="/settings">Settings</Link>}
          {can(staff.role, 'staff:manage') && <Link href="/admin/staff">Staff</Link>}
          {can(staff.role, 'audit:read') && <Link href="/admin/audit">Audit</Link>}
          {can(staff.role, 'feeds:own') && <Link href="/me/feed">My calendar feed</Link>}
          <Link href="/me/tokens">API tokens</Link>
          <Link href="/me/password">Password</Link>
          <Link href="/me/security">Two-step sign-in</Link>
        </nav>
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
