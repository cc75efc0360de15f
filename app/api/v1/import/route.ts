import { getDb } from '@/db';
import { runImport } from '@/lib/clinic/import-patients';
import { ValidationError } from '@/lib/errors';
import { mappingProblems } from '@/lib/import';
import { api, json } from '@/lib/http/api';
import { mappingOf, readImportUpload } from '@/lib/http/import-upload';
import { clinicActor } from '@/lib/clinic/actor';
import { requestNow } from '@/lib/clock';

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
  const report = runImport(getDb(), clinicActor(staff), { name: fileName, table }, mapping, { commit: true }, requestNow());
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
