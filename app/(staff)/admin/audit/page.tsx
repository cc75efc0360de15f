import Link from 'next/link';
import { getDb } from '@/db';
import { listAudit } from '@/db/queries/audit';
import { clinicTimeZone } from '@/db/queries/clinics';
import { listStaff } from '@/db/queries/staff';
import { requirePageStaff } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { formatInstant } from '@/lib/format';
import { auditFilterFrom } from '@/lib/validation/audit-filter';
import { ClinicExport } from '../_components/clinic-export';

export const metadata = { title: 'Audit trail' };

type SearchParams = Promise<Record<string, string | undefined>>;

const summary = (v: unknown) => (v == null ? '' : JSON.stringify(v)).slice(0, 300);

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
  const { rows, total } = listAudit(db, me.clinicId, { ...filter, limit: 100, offset: (filter.page - 1) * 100 });
  const staff = listStaff(db, me.clinicId);
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1] && e[0] !== 'page'));
  return (
    <>
      <h1>Audit trail</h1>
      <p className="muted">Every change (who, when, what, before and after) and every view of a patient record. Append-only.</p>
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
          Action
          <select name="action" defaultValue={params.action ?? ''}>
            <option value="">Any</option>
            {['create', 'update', 'delete', 'view', 'print', 'acknowledge', 'snooze', 'review', 'rotate', 'revoke', 'export'].map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={params.from ?? ''} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={params.to ?? ''} />
        </label>
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
              <th scope="col">When ({zone})</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Record</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{formatInstant(r.at, zone)}</td>
                <td>{r.actorLabel}</td>
                <td>{r.action}</td>
                <td>
                  {r.entity} {r.entityId}
                </td>
                <td className="small">
                  <code>{summary(r.before)}</code>
                </td>
                <td className="small">
                  <code>{summary(r.after)}</code>
                </td>
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
      <ClinicExport />
    </>
  );
}
