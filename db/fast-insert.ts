/**
 * One-row inserts through statements prepared once per connection, table and column set.
 *
 * drizzle builds and prepares a new SQL string for every `insert().values().returning()`, which dominates the cost
 * of seeding a large clinic (about 80 % of the time at 10,000 patients). The factories go through `insertOne`: with
 * the database handle (which exposes the better-sqlite3 client) it reuses a cached statement; with a drizzle
 * transaction object it falls back to drizzle. Both run on the same connection, so both are inside the caller's
 * transaction. Values are encoded and decoded by the schema's own column mappers (booleans, JSON, timestamps), and
 * omitted columns take the schema's `$defaultFn` (as drizzle's insert would), else the defaults of the DDL, which
 * drizzle-kit generated from the same schema.
 */
import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

type Tx = Pick<Db, 'insert'>;

interface ColumnMapper {
  name: string;
  mapToDriverValue(value: unknown): unknown;
  mapFromDriverValue(value: unknown): unknown;
  defaultFn?: () => unknown;
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function clientOf(db: Tx): Database.Database | undefined {
  const client = (db as { $client?: unknown }).$client;
  return client && typeof (client as Database.Database).prepare === 'function'
    ? (client as Database.Database)
    : undefined;
}

/** Inserts one row and returns it as drizzle's `returning().get()` would. */
export function insertOne<T extends SQLiteTable>(
  db: Tx,
  table: T,
  values: T['$inferInsert'],
): T['$inferSelect'] {
  const client = clientOf(db);
  if (!client) {
    // drizzle's generic insert builder does not narrow on a type parameter; the row type is the table's.
    return db
      .insert(table as SQLiteTable)
      .values(values as never)
      .returning()
      .get();
  }
  const columns = getTableColumns(table) as unknown as Record<string, ColumnMapper>;
  const input = { ...(values as Record<string, unknown>) };
  for (const [key, column] of Object.entries(columns)) if (input[key] === undefined && column.defaultFn) input[key] = column.defaultFn();
  const keys = Object.keys(input).filter((k) => input[k] !== undefined);
  for (const k of keys) if (!columns[k]) throw new Error(`${getTableName(table)} has no column ${k}`);
  const signature = `${getTableName(table)}(${keys.join(',')})`;
  let cache = statements.get(client);
  if (!cache) statements.set(client, (cache = new Map<string, Database.Statement>()));
  let statement = cache.get(signature);
  if (!statement) {
    const names = keys.map((k) => `"${columns[k]!.name}"`);
    statement = client.prepare(
      `insert into "${getTableName(table)}" (${names.join(', ')}) values (${keys.map(() => '?').join(', ')}) returning *`,
    );
    cache.set(signature, statement);
  }
  const raw = statement.get(
    ...keys.map((k) => (input[k] === null ? null : columns[k]!.mapToDriverValue(input[k]))),
  ) as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row;
}
