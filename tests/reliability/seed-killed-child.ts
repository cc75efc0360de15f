/**
 * A first start killed while seeding: opens DATABASE_PATH, arranges for the process to SIGKILL itself when the
 * seed writes its third staff account (a temporary trigger calling a JS function: no exit handler, no rollback,
 * as with a power cut or `kill -9`), then seeds the demo clinic. Used by seed-interrupted.test.ts.
 */
import { openDatabase } from '../../db/client';
import { seedDemo } from '../../db/seed';

const db = openDatabase(process.env.DATABASE_PATH!);
db.$client.function('die_now', () => {
  process.kill(process.pid, 'SIGKILL');
  return null;
});
db.$client.exec('create temp trigger die_mid_seed after insert on accounts when (select count(*) from accounts) = 3 begin select die_now(); end');
await seedDemo(db, { now: Date.now() });
console.log('SEED FINISHED');
