/**
 * Child process of crash.test.ts: writes refill visits the way the app does, then waits to be killed.
 *
 *   node --import tsx tests/reliability/crash-writer.ts <db> <clinicId> <pumpId> <drugId> <programId> <now> <mode>
 *
 * Each visit is one transaction, as in the app: the visit (db/factories.ts createRefillVisit), its audit row and
 * the pump's stored forecast (refreshForecasts). Modes:
 * - stream: commits visits one after another and prints `ack <visitId> <seq>` after each COMMIT returned;
 * - bulk:   opens ONE transaction, inserts visits inside it and prints `inside <n>` (then keeps inserting, so
 *           the transaction is still open, with pages spilled to the WAL, when the parent kills the process).
 * Both stop by themselves after a bounded number of visits, in case the parent never kills them.
 */
import { openDatabase } from '../../db/client';
import { createRefillVisit } from '../../db/factories';
import { audit } from '../../db/queries/audit';
import { refreshForecasts } from '../../db/queries/forecasts';

const [file, clinicArg, pumpArg, drugArg, programArg, nowArg, mode] = process.argv.slice(2);
const clinicId = Number(clinicArg);
const pumpId = Number(pumpArg);
const drugId = Number(drugArg);
const programId = Number(programArg);
const now = Number(nowArg);
if (
  !file ||
  ![clinicId, pumpId, drugId, programId, now].every(Number.isInteger) ||
  (mode !== 'stream' && mode !== 'bulk')
) {
  console.error('usage: crash-writer.ts <db> <clinicId> <pumpId> <drugId> <programId> <now> <stream|bulk>');
  process.exit(2);
}

const MINUTE_MS = 60_000;
/** Visits are one minute apart, ending before `now`: the forecast refuses a refill after its "now". */
const MAX_VISITS = 5_000;
const firstAt = now - (MAX_VISITS + 10) * MINUTE_MS;
const actor = { id: 'crash-writer', name: 'Crash test writer', clinicId };

const db = openDatabase(file, { migrate: false });

type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

function writeVisit(tx: Tx, seq: number, label: string) {
  const visit = createRefillVisit(tx, {
    pumpId,
    drugId,
    performedAt: firstAt + seq * MINUTE_MS,
    expectedResidualMl: 4.5,
    aspiratedResidualMl: 4.4,
    fillMl: 20,
    concentrationMcgPerMl: 500,
    programId,
    performedByName: actor.name,
    // Bulk visits carry 2 KB of notes so that the open transaction outgrows SQLite's 2 MB page cache quickly.
    notes: `${label} ${seq}${label === 'bulk' ? ` ${'x'.repeat(2_000)}` : ''}`,
  });
  audit(tx, actor, 'create', 'refill-visit', visit.id, null, { seq, label });
  refreshForecasts(tx, { pumpIds: [pumpId] }, now);
  return visit;
}

if (mode === 'stream') {
  for (let seq = 1; seq <= MAX_VISITS; seq++) {
    const visit = db.transaction((tx) => writeVisit(tx, seq, 'stream'));
    // Written to a pipe, synchronously on Linux: the parent may see this line only after COMMIT returned.
    process.stdout.write(`ack ${visit.id} ${seq}\n`);
  }
} else {
  // better-sqlite3's page cache is 16 MB; at 500 KB the open transaction spills its pages into the WAL file within
  // a few hundred visits, as a large transaction (a clinic-wide forecast refresh, an import) does at 16 MB.
  db.$client.pragma('cache_size = -500');
  db.transaction((tx) => {
    for (let seq = 1; seq <= MAX_VISITS; seq++) {
      writeVisit(tx, seq, 'bulk');
      if (seq % 125 === 0) process.stdout.write(`inside ${seq}\n`);
    }
  });
  process.stdout.write('committed\n');
}
db.$client.close();
