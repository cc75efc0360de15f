import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { DemoBanner } from '@/app/_components/demo-banner';
import { getDb } from '@/db';
import { isDemoDatabase } from '@/db/queries/demo';
import { resolveStaff } from '@/lib/auth/session';
import { SignInForm } from './_components/sign-in-form';

export const metadata = { title: 'Sign in' };

function safeNext(next: string | undefined): string {
  // Only same-site paths: never an open redirect.
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const target = safeNext(next);
  if (await resolveStaff(await headers())) redirect(target);
  return (
    <main className="narrow sign-in">
      <h1>Pump refill scheduler</h1>
      {isDemoDatabase(getDb()) && <DemoBanner />}
      <p className="muted">Staff sign-in. Patient records are confidential.</p>
      <SignInForm next={target} />
    </main>
  );
}
