/**
 * A clinic moves out and back in (issue 17, "Done when"): the admin's backup download, restored into a fresh
 * database with `npm run db:restore`'s function, gives the same worklist, the same patient records and the same
 * export, row for row. The ZIP of CSVs is the clinic's data for other systems to read; the backup is the route
 * for moving the clinic itself (docs/operations.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreDatabase } from './backup';
import { clinicBackupStream } from './clinic-backup';
import { openDatabase, type Db } from './client';
import { loadClinicExport } from './queries/clinic-export';
import { listWorklist } from './queries/worklist';
import { seedDemo } from './seed';

const now = Date.UTC(2026, 11, 3, 15, 0);
let dir: string;
let source: Db;
let clinicId: number;

async function download(db: Db): Promise<Buffer> {
  const { stream } = await clinicBackupStream(db, clinicId);
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'round-trip-'));
  source = openDatabase(path.join(dir, 'clinic.db'), { migrate: true });
  const seeded = await seedDemo(source, { now });
  clinicId = seeded!.clinicId;
});

afterAll(() => {
  source.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('export and import of a whole clinic (issue 17)', () => {
  it('restores the backup download into a fresh database with the same worklist and the same records', async () => {
    const before = listWorklist(source, clinicId, { page: 1, pageSize: 200 }, now);
    expect(before.total).toBeGreaterThan(20);

    const file = path.join(dir, 'download.db');
    fs.writeFileSync(file, await download(source));
    const target = path.join(dir, 'fresh', 'clinic.db');
    restoreDatabase(file, target, now);
    const restored = openDatabase(target);
    try {
      const after = listWorklist(restored, clinicId, { page: 1, pageSize: 200 }, now);
      expect(after).toEqual(before);
      // Every record of the export, the audit trail included.
      expect(loadClinicExport(restored, clinicId)).toEqual(loadClinicExport(source, clinicId));
    } finally {
      restored.$client.close();
    }
  });
});
