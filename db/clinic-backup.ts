/**
 * The database backup as a download for the clinic's admin: a verified copy (db/backup.ts writeVerifiedBackup)
 * in a temporary folder, opened for reading and then unlinked, so nothing is left on disk whatever happens to
 * the download. Only for a database that holds this one clinic: the file has every clinic's records and every
 * account's password hash, so a shared database's copy is the operator's (`npm run db:backup`), not an admin's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ne, sql } from 'drizzle-orm';
import { ForbiddenError } from '@/lib/errors';
import { writeVerifiedBackup } from './backup';
import type { Db } from './client';
import * as s from './schema';

export async function clinicBackupStream(db: Db, clinicId: number): Promise<{ stream: ReadableStream<Uint8Array>; bytes: number }> {
  const others = db.select({ n: sql<number>`count(*)` }).from(s.clinics).where(ne(s.clinics.id, clinicId)).get()?.n ?? 0;
  if (others > 0) {
    throw new ForbiddenError(
      `This database holds ${others + 1} clinics, so its backup would include other clinics' records. Ask the server's operator for a backup (npm run db:backup), or use the clinic export (ZIP).`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-backup-'));
  try {
    const { file, bytes } = await writeVerifiedBackup(db.$client, path.join(dir, 'clinic.db'));
    const fd = fs.openSync(file, 'r');
    const stream = fs.createReadStream('', { fd });
    return { stream: Readable.toWeb(stream) as ReadableStream<Uint8Array>, bytes };
  } finally {
    // The open descriptor keeps the copy readable until the download ends (POSIX); the name is gone now.
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
