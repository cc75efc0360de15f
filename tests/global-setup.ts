// Migrated template database, copied per test file (see tests/db.ts).
export { setup } from './template-db';
