import { getDb } from '@/db';
import { savedMapping } from '@/lib/clinic/import-patients';
import { guessMapping, importFields } from '@/lib/import';
import { api, json } from '@/lib/http/api';
import { readImportUpload } from '@/lib/http/import-upload';

export const dynamic = 'force-dynamic';

/**
 * Step 1: the file's headers, its first rows, and the mapping to start from: the clinic's saved one where its
 * headers are in this file, a guess from the header for every other field.
 */
export const POST = api({ permission: 'patients:import' }, async ({ staff, request }) => {
  const { fileName, table } = await readImportUpload(request);
  const guessed = guessMapping(table.headers);
  const saved = savedMapping(getDb(), staff.clinicId);
  const columns = Object.fromEntries(
    importFields.map((f) => {
      const header = saved?.columns[f.key];
      return [f.key, header && table.headers.includes(header) ? header : (guessed[f.key] ?? null)];
    }),
  );
  return json({
    fileName,
    headers: table.headers,
    rowCount: table.rows.length,
    sample: table.rows.slice(0, 5),
    mapping: {
      columns,
      dateOrder: saved?.dateOrder ?? 'MDY',
      defaultSpasticityOrigin: saved?.defaultSpasticityOrigin ?? null,
    },
    fromSavedMapping: saved !== null,
  });
});
