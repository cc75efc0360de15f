/**
 * The import's multipart request: the spreadsheet (`file`) and, after the mapping screen, the mapping (`mapping`, a
 * JSON string). The file is sent again for the dry run and the import, so the server validates exactly what it
 * writes; no upload is kept between requests.
 */
import 'server-only';
import {
  importMappingSchema,
  ImportFileError,
  readImportFile,
  type ImportMapping,
  type ImportTable,
} from '@/lib/import';
import { ValidationError } from '@/lib/errors';
import { parseWith } from './api';

/** The server's body limit (scripts/server.mjs); a 2,000-row export is well under it. */
export const MAX_IMPORT_BYTES = 1024 * 1024;

export async function readImportUpload(
  request: Request,
): Promise<{ fileName: string; table: ImportTable; form: FormData }> {
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > MAX_IMPORT_BYTES)
    throw new ValidationError(`The file is too large (limit ${MAX_IMPORT_BYTES / 1024} KiB).`, {
      file: 'The file is too large (limit 1 MiB).',
    });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new ValidationError('Send the spreadsheet as multipart/form-data in the field “file”.', {
      file: 'Choose a CSV or XLSX file.',
    });
  }
  const file = form.get('file');
  if (!(file instanceof Blob) || file.size === 0)
    throw new ValidationError('Choose a CSV or XLSX file to import.', { file: 'Choose a CSV or XLSX file.' });
  if (file.size > MAX_IMPORT_BYTES)
    throw new ValidationError('The file is too large (limit 1 MiB).', {
      file: 'The file is too large (limit 1 MiB).',
    });
  const fileName = (file instanceof File ? file.name : 'upload').slice(0, 200);
  try {
    return { fileName, table: await readImportFile(fileName, await file.arrayBuffer()), form };
  } catch (error) {
    if (error instanceof ImportFileError) throw new ValidationError(error.message, { file: error.message });
    throw error;
  }
}

export function mappingOf(form: FormData): ImportMapping {
  const raw = form.get('mapping');
  if (typeof raw !== 'string')
    throw new ValidationError('Send the mapping (field “mapping”).', { mapping: 'Map the columns first.' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ValidationError('The mapping is not valid JSON.', {
      mapping: 'The mapping is not valid JSON.',
    });
  }
  return parseWith(importMappingSchema, parsed);
}
