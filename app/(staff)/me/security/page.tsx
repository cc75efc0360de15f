import { getDb } from '@/db';
import { homeFor } from '@/lib/auth/home';
import { mfaStatus } from '@/lib/auth/mfa';
import { safeNextPath } from '@/lib/auth/next-path';
import { requirePageStaff, SECURITY_PATH } from '@/lib/auth/session';
import { SecurityManager } from './_components/security-manager';

export const metadata = { title: 'Two-step sign-in' };

export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const me = await requirePageStaff('account:own', SECURITY_PATH);
  const { next } = await searchParams;
  const after = safeNextPath(typeof next === 'string' ? next : null) ?? homeFor(me.role);
  const status = await mfaStatus(getDb(), me);
  return (
    <div className="narrow">
      <h1>Two-step sign-in</h1>
      {me.mustEnrolMfa && (
        <p role="status" className="notice">
          Your clinic requires two-step sign-in for your role. Set it up to continue: you will need your phone with an authenticator app.
        </p>
      )}
      <p className="muted">
        Besides your password, sign-in asks for the 6-digit code of an authenticator app on your phone (for example Google Authenticator, Microsoft
        Authenticator, FreeOTP or 1Password). Recovery codes let you sign in once each if the phone is not at hand.
      </p>
      <SecurityManager status={status} after={after} />
    </div>
  );
}
