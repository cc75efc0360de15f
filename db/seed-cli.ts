/**
 * `npm run db:seed -- [--patients N] [--database FILE] [--force]`: seeds a clinic. With --patients it builds a
 * large clinic (for benchmarks) with the same scenario generator as the demo.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from './client';
import { isEmpty, seedDemo } from './seed';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '40' },
    database: { type: 'string', default: process.env.DATABASE_PATH ?? 'data/clinic.db' },
    force: { type: 'boolean', default: false },
  },
});

const patients = Number(values.patients);
if (!Number.isInteger(patients) || patients < 1 || patients > 1_000_000) {
  console.error('--patients must be a whole number from 1 to 1000000');
  process.exit(2);
}
const file = values.database;
if (values.force) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
const db = openDatabase(file);
if (!isEmpty(db)) {
  console.error(`${file} already holds a clinic. Use --force to replace the database, or another --database.`);
  process.exit(2);
}
const started = performance.now();
const result = await seedDemo(db, { now: Date.now(), patients });
closeDatabase(db);
console.log(`Seeded ${result?.patients} patients, ${result?.visits} refill visits into ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
