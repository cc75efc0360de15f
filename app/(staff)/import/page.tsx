import { requirePageStaff } from '@/lib/auth/session';
import { ImportWizard } from './_components/import-wizard';

export const metadata = { title: 'Import a spreadsheet' };

export default async function ImportPage() {
  await requirePageStaff('patients:import', '/import');
  return (
    <>
      <div className="page-head">
        <h1>Import patients from a spreadsheet</h1>
        <p className="muted">
          Upload the clinic’s CSV or XLSX file, match its columns to the app’s fields, check the dry run, then
          import. Nothing is saved unless every row is valid; a row already here (same MRN and pump serial) is
          left as it is. See docs/import.md for the columns and formats.
        </p>
      </div>
      <ImportWizard />
    </>
  );
}
