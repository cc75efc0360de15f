/**
 * What a staff page shows instead of a record when READ_AUDIT_FAIL_CLOSED is set and the view cannot be
 * audited (db/audit-read.ts): why, and where emergency guidance still is. No record data.
 */
import Link from 'next/link';
import type { ReactElement } from 'react';
import { ReadAuditRefusedError } from '@/lib/errors';

export function ReadRefused({ message }: { message: string }) {
  return (
    <section className="stack" aria-labelledby="read-refused-heading">
      <h1 id="read-refused-heading">Record not shown</h1>
      <p role="alert" className="notice danger">
        {message}
      </p>
      <p>
        <Link href="/emergency">Emergency guidance for implanted pumps</Link> (public, always available)
      </p>
    </section>
  );
}

/**
 * A print page's answer to an error from its audited read: the "Record not shown" page when the read was refused
 * (READ_AUDIT_FAIL_CLOSED); any other error is thrown on.
 */
export function readRefusedPage(error: unknown, className: string | undefined): ReactElement {
  if (!(error instanceof ReadAuditRefusedError)) throw error;
  return (
    <main className={className}>
      <ReadRefused message={error.message} />
    </main>
  );
}
