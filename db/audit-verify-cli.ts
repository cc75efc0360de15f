/**
 * `npm run audit:verify [-- FILE]`: recomputes the audit trail's hash chain (db/queries/audit.ts) in the
 * database at FILE or DATABASE_PATH, read-only. Exit 0 when intact; exit 1 naming the first broken row.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { verifyAuditChain } from './queries/audit';
import * as schema from './schema';

const file = process.argv[2] ?? process.env.DATABASE_PATH ?? 'data/clinic.db';
const sqlite = new Database(file, { readonly: true, fileMustExist: true });
const result = verifyAuditChain(drizzle(sqlite, { schema }));
sqlite.close();
const legacy = result.unchained ? ` (${result.unchained} older rows written before the chain existed are not chained)` : '';
if (result.ok) {
  console.log(`Audit trail intact: ${result.rows} rows checked${legacy}.`);
} else {
  console.error(`Audit trail broken at row ${result.brokenAt}: ${result.reason}. Rows from ${result.brokenAt} on cannot be trusted${legacy}.`);
  process.exitCode = 1;
}
