import { getDb } from '@/db';
import { runImport } from '@/db/queries/patients-import';
import { ValidationError } from '@/lib/errors';
import { mappingProblems } from '@/lib/import';
import { api, json } from '@/lib/server/api';
import { mappingOf, readImportUpload } from '@/lib/server/import-upload';

export const dynamic = 'force-dynamic';

/**
 * Step 3: the import, all or nothing. 201 with the report when every row was created or already present; 422 with
 * the same report (nothing written) when any row has a problem.
 */
export const POST = api({ permission: 'patients:import' }, async ({ staff, request }) => {
  const { fileName, table, form } = await readImportUpload(request);
  const mapping = mappingOf(form);
  const problems = mappingProblems(mapping, table.headers);
  if (problems.length) throw new ValidationError(problems.join(' '), { mapping: problems.join(' ') });
  const report = runImport(getDb(), staff, { name: fileName, table }, mapping, { commit: true }, Date.now());
  if (!report.committed)
    return json(
      {
        error: `Nothing was imported: ${report.counts.problems} of ${report.counts.rows} rows have problems. Correct the file and run the dry run again.`,
        report,
      },
      { status: 422 },
    );
  return json(report, { status: 201 });
});
