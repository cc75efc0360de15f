import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { DemoBanner } from '@/app/_components/demo-banner';
import { getDb } from '@/db';
import { isDemoDatabase } from '@/db/queries/demo';
import { homeFor } from '@/lib/auth/home';
import { safeNextPath } from '@/lib/auth/next-path';
import { resolveStaff } from '@/lib/auth/session';
import { SignInForm } from './_components/sign-in-form';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; reason?: string }> }) {
  const { next, reason } = await searchParams;
  // Only a path of this app (lib/auth/next-path.ts); otherwise the role's home, known once signed in.
  const target = safeNextPath(typeof next === 'string' ? next : null);
  const staff = await resolveStaff(await headers());
  if (staff) redirect(target ?? homeFor(staff.role));
  return (
    <main className="narrow sign-in">
      <h1>Pump refill scheduler</h1>
      {isDemoDatabase(getDb()) && <DemoBanner />}
      {reason === 'idle' && (
        <p role="status" className="notice">
          You were signed out because you were idle. Sign in again to continue where you left off: a refill form you were filling in is
          restored.
        </p>
      )}
      <p className="muted">Staff sign-in. Patient records are confidential.</p>
      <SignInForm next={target} />
    </main>
  );
}
