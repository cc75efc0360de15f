/** The admin's downloads of the whole clinic (issue 17, item 3): the ZIP of CSV files and the database backup. */
export function ClinicExport() {
  return (
    <section aria-labelledby="clinic-export-heading">
      <h2 id="clinic-export-heading">Export the clinic</h2>
      <p>
        Every patient, pump, program, visit, appointment and audit entry as CSV files in one ZIP, with a README of the
        columns. The download is recorded in the audit trail.
      </p>
      <p>
        <a className="button secondary" href="/api/v1/export" download>
          Download clinic export (ZIP)
        </a>{' '}
        <a className="button secondary" href="/api/v1/export/backup" download>
          Download database backup (SQLite)
        </a>
      </p>
    </section>
  );
}
