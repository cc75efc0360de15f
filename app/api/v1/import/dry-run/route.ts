import { getDb } from '@/db';
import { runImport } from '@/lib/clinic/import-patients';
import { ValidationError } from '@/lib/errors';
import { mappingProblems } from '@/lib/import';
import { api, json } from '@/lib/http/api';
import { mappingOf, readImportUpload } from '@/lib/http/import-upload';
import { clinicActor } from '@/lib/clinic/actor';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

/** Step 2: what the import would create and every problem, by row and column. Runs the import and rolls it back. */
export const POST = api({ permission: 'patients:import' }, async ({ staff, request }) => {
  const { fileName, table, form } = await readImportUpload(request);
  const mapping = mappingOf(form);
  const problems = mappingProblems(mapping, table.headers);
  if (problems.length) throw new ValidationError(problems.join(' '), { mapping: problems.join(' ') });
  return json(runImport(getDb(), clinicActor(staff), { name: fileName, table }, mapping, { commit: false }, requestNow()));
});
