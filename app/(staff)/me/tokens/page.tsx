import { getDb } from '@/db';
import { clinicTimeZone } from '@/db/queries/clinics';
import { listTokens } from '@/db/queries/staff';
import { requirePageStaff } from '@/lib/auth/session';
import { TokenManager } from './_components/token-manager';

export const metadata = { title: 'API tokens' };

export default async function TokensPage() {
  const me = await requirePageStaff('tokens:own', '/me/tokens');
  const db = getDb();
  const tokens = listTokens(db, me.id);
  return (
    <>
      <h1>Personal API tokens</h1>
      <p className="muted">
        For integrations: send <code>Authorization: Bearer &lt;token&gt;</code> to <code>/api/v1</code>. A token acts with your role. It is shown once;
        the server keeps only its hash. Revoke a token you no longer use.
      </p>
      <TokenManager initial={tokens} timeZone={clinicTimeZone(db, me.clinicId)} />
    </>
  );
}
