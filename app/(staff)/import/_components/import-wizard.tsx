'use client';

import Link from 'next/link';
import Papa from 'papaparse';
import { useState, type FormEvent } from 'react';
import type { ImportReport } from '@/lib/clinic/import-patients';
import { importFields, mappingProblems, type ImportField, type ImportMapping } from '@/lib/import/fields';

interface Preview {
  fileName: string;
  headers: string[];
  rowCount: number;
  sample: { rowNumber: number; cells: string[] }[];
  mapping: Omit<ImportMapping, 'defaultSpasticityOrigin'> & {
    defaultSpasticityOrigin: ImportMapping['defaultSpasticityOrigin'] | null;
  };
  fromSavedMapping: boolean;
}

type Step = 'choose' | 'map' | 'checked' | 'imported';

async function post(url: string, file: File, mapping?: ImportMapping) {
  const form = new FormData();
  form.set('file', file);
  if (mapping) form.set('mapping', JSON.stringify(mapping));
  const response = await fetch(url, { method: 'POST', body: form });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: response.ok, status: response.status, body };
}

const errorOf = (body: Record<string, unknown>, fallback: string) =>
  typeof body.error === 'string' ? body.error : fallback;

function download(name: string, csv: string) {
  const url = URL.createObjectURL(new Blob([`\uFEFF${csv}`], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function downloadTemplate() {
  const example: Partial<Record<ImportField, string>> = {
    mrn: 'A-1001',
    givenName: 'Jane',
    familyName: 'Doe',
    dateOfBirth: '1970-03-07',
    spasticityOrigin: 'spinal',
    pumpModel: 'SynchroMed II 8637-40',
    serial: 'NGV123456',
    implantedOn: '2024-01-15',
    drug: 'Lioresal Intrathecal',
    concentration: '2000 mcg/mL',
    dose: '400 mcg/day',
    lastRefillDate: '2026-02-24',
    lastRefillVolume: '38',
  };
  const fields = importFields.filter((f) => f.key !== 'name');
  download(
    'pump-import-template.csv',
    Papa.unparse({ fields: fields.map((f) => f.label), data: [fields.map((f) => example[f.key] ?? '')] }),
  );
}

export function ImportWizard() {
  const [step, setStep] = useState<Step>('choose');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Preview['mapping'] | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const complete: ImportMapping | null =
    mapping && mapping.defaultSpasticityOrigin
      ? { ...mapping, defaultSpasticityOrigin: mapping.defaultSpasticityOrigin }
      : null;
  const problems =
    preview && mapping
      ? mappingProblems({ ...mapping, defaultSpasticityOrigin: 'other' }, preview.headers)
      : [];
  if (mapping && !mapping.defaultSpasticityOrigin)
    problems.push('Spasticity origin: choose what to record where the file does not say.');

  async function run<T>(fn: () => Promise<T>) {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch {
      setError('The server could not be reached. Nothing was saved.');
    } finally {
      setBusy(false);
    }
  }

  async function onUpload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return setError('Choose a CSV or XLSX file.');
    await run(async () => {
      const res = await post('/api/v1/import/preview', file);
      if (!res.ok) return setError(errorOf(res.body, 'The file could not be read.'));
      const p = res.body as unknown as Preview;
      setPreview(p);
      setMapping(p.mapping);
      setReport(null);
      setStep('map');
    });
  }

  async function onDryRun() {
    if (!file || !complete) return;
    await run(async () => {
      const res = await post('/api/v1/import/dry-run', file, complete);
      if (!res.ok) return setError(errorOf(res.body, 'The dry run failed. Nothing was saved.'));
      setReport(res.body as unknown as ImportReport);
      setStep('checked');
    });
  }

  async function onImport() {
    if (!file || !complete) return;
    await run(async () => {
      const res = await post('/api/v1/import', file, complete);
      if (res.status === 422) {
        setReport(res.body.report as ImportReport);
        return setError(errorOf(res.body, 'Nothing was imported.'));
      }
      if (!res.ok) return setError(errorOf(res.body, 'The import failed. Nothing was saved.'));
      setReport(res.body as unknown as ImportReport);
      setStep('imported');
    });
  }

  function downloadProblems() {
    if (!report || !preview) return;
    const rows = report.rows.filter((r) => r.problems.length > 0);
    download(
      `${preview.fileName.replace(/\.[^.]+$/, '')}-problems.csv`,
      Papa.unparse({
        fields: ['Row', 'MRN', 'Column', 'Problem'],
        data: rows.flatMap((r) =>
          r.problems.map((p) => [r.rowNumber, r.summary.mrn, p.column ?? '', p.message]),
        ),
      }),
    );
  }

  const setColumn = (key: ImportField, header: string) => {
    if (!mapping) return;
    setMapping({ ...mapping, columns: { ...mapping.columns, [key]: header || null } });
    setStep('map');
  };

  return (
    <div className="stack">
      <form className="card stack" onSubmit={(e) => void onUpload(e)} aria-labelledby="import-file-head">
        <h2 id="import-file-head">1. The file</h2>
        <label className="sched-field">
          Spreadsheet (CSV or XLSX, up to 1 MiB)
          <input
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setStep('choose');
              setPreview(null);
              setReport(null);
            }}
          />
        </label>
        <div className="settings-actions">
          <button type="submit" disabled={busy || !file}>
            Read the file
          </button>
          <button type="button" className="secondary" onClick={downloadTemplate}>
            Download a template
          </button>
        </div>
      </form>

      {preview && mapping && (
        <section className="card stack" aria-labelledby="import-map-head">
          <h2 id="import-map-head">2. Match the columns</h2>
          <p className="muted">
            {preview.fileName}: {preview.rowCount} rows.{' '}
            {preview.fromSavedMapping
              ? 'Started from the clinic’s saved mapping; other fields are guessed from the headers.'
              : 'Guessed from the headers: check each one.'}
          </p>
          <div className="grid-2">
            {importFields.map((f) => (
              <label key={f.key} className="sched-field">
                {f.label}
                {f.required ? ' (required)' : ''}
                <select
                  value={mapping.columns[f.key] ?? ''}
                  onChange={(e) => setColumn(f.key, e.target.value)}
                >
                  <option value="">— not in the file —</option>
                  {preview.headers
                    .filter((h) => h !== '')
                    .map((h) => (
                      <option key={h} value={h}>
                        {h}
                      </option>
                    ))}
                </select>
              </label>
            ))}
            <label className="sched-field">
              Dates like 3/7/2026 are
              <select
                value={mapping.dateOrder}
                onChange={(e) =>
                  setMapping({ ...mapping, dateOrder: e.target.value as ImportMapping['dateOrder'] })
                }
              >
                <option value="MDY">month/day/year (March 7)</option>
                <option value="DMY">day/month/year (3 July)</option>
              </select>
            </label>
            <label className="sched-field">
              Spasticity origin where the file does not say
              <select
                value={mapping.defaultSpasticityOrigin ?? ''}
                onChange={(e) =>
                  setMapping({
                    ...mapping,
                    defaultSpasticityOrigin: (e.target.value ||
                      null) as Preview['mapping']['defaultSpasticityOrigin'],
                  })
                }
              >
                <option value="">— choose —</option>
                <option value="spinal">spinal</option>
                <option value="cerebral">cerebral</option>
                <option value="other">other</option>
              </select>
            </label>
          </div>
          {problems.length > 0 && (
            <ul className="notice warn small" aria-label="Mapping problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <div className="settings-actions">
            <button type="button" disabled={busy || problems.length > 0} onClick={() => void onDryRun()}>
              Dry run
            </button>
          </div>
        </section>
      )}

      {report && (
        <section className="card stack" aria-labelledby="import-report-head">
          <h2 id="import-report-head">{report.committed ? '4. Imported' : '3. Dry run'}</h2>
          <p role="status">
            {report.committed
              ? `Imported: ${report.counts.create} patients created, ${report.counts.alreadyPresent} already present.`
              : `${report.counts.create} to create, ${report.counts.alreadyPresent} already present, ${report.counts.problems} with problems (of ${report.counts.rows} rows).`}
          </p>
          {report.counts.problems > 0 && (
            <div className="notice danger">
              <p>Nothing will be imported until every row is valid. Correct the file and read it again.</p>
              <button type="button" className="secondary small" onClick={downloadProblems}>
                Download the problems (CSV)
              </button>
            </div>
          )}
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Rows of the file</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Result</th>
                  <th scope="col">MRN</th>
                  <th scope="col">Patient</th>
                  <th scope="col">Pump</th>
                  <th scope="col">Last refill</th>
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <tr key={r.rowNumber}>
                    <td>{r.rowNumber}</td>
                    <td>
                      {r.status === 'problem'
                        ? 'Problem'
                        : r.status === 'already-present'
                          ? 'Already here'
                          : report.committed
                            ? 'Created'
                            : 'Will be created'}
                    </td>
                    <td>{r.summary.mrn}</td>
                    <td>
                      {r.patientId && report.committed ? (
                        <Link href={`/patients/${r.patientId}`}>{r.summary.name}</Link>
                      ) : (
                        r.summary.name
                      )}
                    </td>
                    <td>{r.summary.pump}</td>
                    <td>{r.summary.lastRefill}</td>
                    <td>
                      {r.problems.length > 0 && (
                        <ul className="field-error">
                          {r.problems.map((p) => (
                            <li key={p.message}>
                              row {p.rowNumber}, {p.message}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {step === 'checked' && report.counts.problems === 0 && (
            <div className="settings-actions">
              <button type="button" disabled={busy} onClick={() => void onImport()}>
                Import {report.counts.create} patients
              </button>
            </div>
          )}
          {step === 'imported' && (
            <p>
              <Link href="/">Open the worklist</Link>
            </p>
          )}
        </section>
      )}

      {error && (
        <p role="alert" className="notice danger">
          {error}
        </p>
      )}
    </div>
  );
}
