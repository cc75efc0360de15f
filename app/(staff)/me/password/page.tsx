import { requirePageStaff } from '@/lib/auth/session';
import { homeFor } from '@/lib/auth/home';
import { safeNextPath } from '@/lib/auth/next-path';
import { PasswordForm } from './_components/password-form';

export const metadata = { title: 'Change password' };

export default async function PasswordPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const me = await requirePageStaff('account:own', '/me/password');
  const { next } = await searchParams;
  const after = safeNextPath(typeof next === 'string' ? next : null) ?? homeFor(me.role);
  return (
    <div className="narrow">
      <h1>Change password</h1>
      {me.mustChangePassword && (
        <p role="status" className="notice">
          You signed in with a temporary password. Choose your own to continue: only you should know it.
        </p>
      )}
      <p className="muted">
        At least 12 characters. A few uncommon words together are easy to remember and hard to guess; your name, common passwords and
        keyboard patterns are refused. Your other sessions are signed out.
      </p>
      <PasswordForm after={after} />
    </div>
  );
}
