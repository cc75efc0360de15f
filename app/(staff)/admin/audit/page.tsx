import Link from 'next/link';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { clinicTimeZone } from '@/db/queries/clinics';
import { listStaff } from '@/db/queries/staff';
import { viewAudit } from '@/lib/audit/view';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { auditFilterFrom } from '@/lib/validation/audit-filter';
import { ClinicExport } from '../_components/clinic-export';
import { DateField } from '../../_components/date-time-inputs';

export const metadata = { title: 'Audit trail' };

type SearchParams = Promise<Record<string, string | undefined>>;

const ACTIONS = ['view', 'export', 'create', 'update', 'delete', 'print', 'acknowledge', 'snooze', 'review', 'rotate', 'revoke', 'sign-in', 'sign-in-failed', 'lockout', 'sign-out', 'password-change', 'password-reset', 'unlock'];

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const me = await requirePageStaff('audit:read', '/admin/audit');
  const db = getDb();
  const params = await searchParams;
  const zone = clinicTimeZone(db, me.clinicId);
  let error: string | null = null;
  let filter: ReturnType<typeof auditFilterFrom> = { page: 1 };
  try {
    filter = auditFilterFrom(params, zone);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    error = `${e.message} ${Object.entries(e.fields).map(([k, v]) => `${k} ${v}`).join('; ')}`;
  }
  const view = viewAudit(db, me, { ...filter, limit: 100, offset: (filter.page - 1) * 100 });
  const { total } = view;
  // Reading the audit is a read of the patients it names: audited like any other (issue 14, item 7).
  recordRead(db, me, { resource: 'audit-log', patientIds: view.patientIds, detail: { page: '/admin/audit', query: new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString() } });
  const staff = listStaff(db, me.clinicId);
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1] && e[0] !== 'page'));
  return (
    <>
      <h1>Audit trail</h1>
      <p className="muted">
        Every change (who, when, what, before and after), every read of patient data and every sign-in, with where it came from.
        Append-only and hash-chained.{' '}
        {view.withValues ? 'Clinical values are shown.' : 'Clinical values (demographics, drugs, doses, volumes) are hidden for your role.'}
      </p>
      <form key={qs.toString()} className="filters" method="get" role="search" aria-label="Filter the audit trail">
        <label>
          Staff member
          <select name="actorId" defaultValue={params.actorId ?? ''}>
            <option value="">Anyone</option>
            {staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Record type
          <input name="entity" defaultValue={params.entity ?? ''} placeholder="patient, pump, appointment…" />
        </label>
        <label>
          Record id
          <input name="entityId" defaultValue={params.entityId ?? ''} />
        </label>
        <label>
          Patient number
          <input name="patientId" inputMode="numeric" defaultValue={params.patientId ?? ''} />
        </label>
        <label>
          Action
          <select name="action" defaultValue={params.action ?? ''}>
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <DateField label="From" name="from" defaultValue={params.from ?? ''} />
        <DateField label="To" name="to" defaultValue={params.to ?? ''} />
        <button type="submit">Filter</button>
        <a className="button secondary" href={`/api/v1/audit/export?${qs.toString()}`}>
          Export CSV
        </a>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When ({view.timeZone})</th>
              <th scope="col">What</th>
              <th scope="col">Changes</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map(({ entry, presented }) => (
              <tr key={entry.id}>
                <td>{presented.when}</td>
                <td>{presented.sentence}</td>
                <td className="small">
                  {presented.changes.length > 0 && (
                    <ul className="plain">
                      {presented.changes.map((c, i) => (
                        <li key={`${i}-${c.field}`}>
                          {c.field}: {c.before ? `${c.before} → ` : ''}
                          {c.after}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="small">{presented.from ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        {filter.page > 1 && <Link href={`?${qs.toString()}&page=${filter.page - 1}`}>← Newer</Link>}
        <span>
          {total} entries · page {filter.page}
        </span>
        {filter.page * 100 < total && <Link href={`?${qs.toString()}&page=${filter.page + 1}`}>Older →</Link>}
      </nav>
      {can(me.role, 'clinic:export') && <ClinicExport />}
    </>
  );
}
