// Another process writing the same database file: takes the write lock (BEGIN IMMEDIATE), runs the SQL given,
// prints "locked", holds the lock for the given milliseconds, then commits and prints "committed".
// Usage: node hold-write-lock.mjs FILE HOLD_MS [SQL]
import Database from 'better-sqlite3';

const [file, holdMs, statement] = process.argv.slice(2);
const db = new Database(file, { timeout: 5000 });
db.exec('BEGIN IMMEDIATE');
if (statement) db.exec(statement);
console.log('locked');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
  console.log('committed');
}, Number(holdMs));
