import Link from 'next/link';
import { homeFor } from '@/lib/auth/home';
import { requirePageStaff } from '@/lib/auth/session';

export const metadata = { title: 'Not allowed' };

/**
 * Inside the staff layout, so the header (menu, sign-out) stays, and rendered per request, so its scripts carry
 * the CSP nonce. The way back is the role's own home: the worklist would send an admin straight back here.
 */
export default async function ForbiddenPage() {
  const staff = await requirePageStaff(undefined, '/forbidden');
  const home = homeFor(staff.role);
  return (
    <div className="narrow">
      <h1>Not allowed for your role</h1>
      <p>Your account does not have access to that page. Ask a clinic administrator if you need it.</p>
      <p>
        <Link href={home}>{home === '/' ? 'Back to the worklist' : 'Back to the staff page'}</Link>
      </p>
    </div>
  );
}
