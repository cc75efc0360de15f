/**
 * The clinic's reports (issue 18, item 3): refills on time and late per month, days of drug left at refill,
 * no-shows, discrepancies by pump model and today's overdue share, with a chart and the numbers beside it,
 * exportable as CSV. Aggregates only.
 */
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { clinicReport } from '@/db/queries/reports';
import { requirePageStaff } from '@/lib/auth/session';
import { requestNow } from '@/lib/clock';
import { percent } from '@/lib/export/reports-csv';
import { formatLocalDate } from '@/lib/format';
import { RefillsFigure } from './_components/refills-figure';

export const metadata = { title: 'Reports' };

const monthLabel = (month: string) =>
  new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' });
const pct = (value: number | null) => (value == null ? '–' : `${value} %`);
const days = (value: number | null) => (value == null ? '–' : `${value} d`);

export default async function ReportsPage() {
  const staff = await requirePageStaff('patients:read', '/reports');
  const report = clinicReport(getDb(), staff.clinicId, requestNow());
  // Aggregates of the clinic's records: audited as a read that names no one patient.
  recordRead(getDb(), staff, { resource: 'reports', patientIds: [], detail: { page: '/reports' } });
  const totals = report.months.reduce(
    (t, m) => ({ onTime: t.onTime + m.onTime, late: t.late + m.late, attended: t.attended + m.attended, noShows: t.noShows + m.noShows }),
    { onTime: 0, late: 0, attended: 0, noShows: 0 },
  );

  return (
    <>
      <div className="page-head">
        <h1>Reports</h1>
        <p className="muted">
          The last twelve months to {formatLocalDate(report.today)} ({report.timeZone}). A refill is on time when it came on or
          before the due date the forecast gave at the fill before it; the margin is the drug the program left in the reservoir
          at the refill, in days of the dose then.
        </p>
      </div>

      <section aria-labelledby="now-heading" className="report-now">
        <h2 id="now-heading">Today</h2>
        <p>
          <strong>{report.overduePumps}</strong> of {report.activePumps} active pumps are overdue for a refill (
          {pct(percent(report.overduePumps, report.activePumps))}). Over the twelve months: {pct(percent(totals.late, totals.onTime + totals.late))}{' '}
          of refills late, {pct(percent(totals.noShows, totals.attended + totals.noShows))} of appointments missed.
        </p>
      </section>

      <section aria-labelledby="months-heading">
        <h2 id="months-heading">Refills and appointments per month</h2>
        <div className="report-pair">
          <RefillsFigure data={report.months.map((m) => ({ label: monthLabel(m.month), onTime: m.onTime, late: m.late }))} />
          <div className="table-wrap">
            <table className="report-table">
              <caption className="sr-only">Refills and appointments per month</caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col">Refills</th>
                  <th scope="col">On time</th>
                  <th scope="col">Late</th>
                  <th scope="col">Late %</th>
                  <th scope="col">Median margin</th>
                  <th scope="col">Least margin</th>
                  <th scope="col">Attended</th>
                  <th scope="col">No-shows</th>
                  <th scope="col">No-show %</th>
                </tr>
              </thead>
              <tbody>
                {report.months.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{monthLabel(m.month)}</th>
                    <td>{m.refills}</td>
                    <td>{m.onTime}</td>
                    <td>{m.late}</td>
                    <td>{pct(percent(m.late, m.onTime + m.late))}</td>
                    <td>{days(m.medianMarginDays)}</td>
                    <td>{days(m.minMarginDays)}</td>
                    <td>{m.attended}</td>
                    <td>{m.noShows}</td>
                    <td>{pct(percent(m.noShows, m.attended + m.noShows))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        <p>
          <a className="button secondary" href="/api/v1/reports?format=csv&table=months" download>
            Download this table (CSV)
          </a>
        </p>
      </section>

      <section aria-labelledby="models-heading">
        <h2 id="models-heading">Residual discrepancies by pump model</h2>
        <div className="table-wrap">
          <table className="report-table">
            <caption className="sr-only">Residual discrepancies by pump model</caption>
            <thead>
              <tr>
                <th scope="col">Pump model</th>
                <th scope="col">Refills</th>
                <th scope="col">Outside the tolerance</th>
                <th scope="col">Rate</th>
              </tr>
            </thead>
            <tbody>
              {report.models.length === 0 && (
                <tr>
                  <td colSpan={4} className="muted">
                    No refill in these months.
                  </td>
                </tr>
              )}
              {report.models.map((m) => (
                <tr key={m.model}>
                  <th scope="row">{m.model}</th>
                  <td>{m.refills}</td>
                  <td>{m.discrepancies}</td>
                  <td>{pct(percent(m.discrepancies, m.refills))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p>
          <a className="button secondary" href="/api/v1/reports?format=csv&table=models" download>
            Download this table (CSV)
          </a>
        </p>
      </section>
    </>
  );
}
