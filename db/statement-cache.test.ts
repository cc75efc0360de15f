import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { freshDb } from '../tests/db';
import { cachedStatements, STATEMENT_CACHE_SIZE } from './client';
import * as s from './schema';

function connection() {
  const sqlite = new Database(':memory:');
  sqlite.exec('create table t (id integer primary key, name text)');
  sqlite.exec("insert into t (id, name) values (1, 'a'), (2, 'b')");
  return sqlite;
}

describe('statements kept per SQL text (cachedStatements)', () => {
  it('compiles a query once, and hands the same statement to the next call', () => {
    const sqlite = connection();
    const prepare = vi.spyOn(sqlite, 'prepare');
    const client = cachedStatements(sqlite);
    const first = client.prepare('select name from t where id = ?');
    const second = client.prepare('select name from t where id = ?');
    expect(second).toBe(first);
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(client.prepare('select id from t').all()).toEqual([{ id: 1 }, { id: 2 }]);
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  it('hands a kept statement out of raw mode, as a new one would be', () => {
    const client = cachedStatements(connection());
    expect(client.prepare('select id, name from t where id = ?').raw().get(1)).toEqual([1, 'a']);
    expect(client.prepare('select id, name from t where id = ?').get(1)).toEqual({ id: 1, name: 'a' });
  });

  it('prepares a new statement while the kept one is being iterated', () => {
    const client = cachedStatements(connection());
    const names: string[] = [];
    for (const row of client.prepare('select id from t order by id').iterate() as IterableIterator<{ id: number }>)
      names.push(...(client.prepare('select id from t order by id').all() as { id: number }[]).map((r) => `${row.id}:${r.id}`));
    expect(names).toEqual(['1:1', '1:2', '2:1', '2:2']);
  });

  it('keeps at most STATEMENT_CACHE_SIZE statements, dropping the least recently used', () => {
    const sqlite = connection();
    const prepare = vi.spyOn(sqlite, 'prepare');
    const client = cachedStatements(sqlite);
    const kept = client.prepare('select 0');
    for (let i = 1; i <= STATEMENT_CACHE_SIZE; i++) {
      client.prepare(`select ${i}`);
      if (i === STATEMENT_CACHE_SIZE - 1) expect(client.prepare('select 0')).toBe(kept); // used again: kept
    }
    expect(client.prepare('select 0')).toBe(kept);
    const calls = prepare.mock.calls.length;
    client.prepare('select 1'); // the least recently used: dropped, compiled again
    expect(prepare.mock.calls.length).toBe(calls + 1);
  });

  it('serves drizzle queries that read objects and arrays from the same kept statements', () => {
    const sqlite = connection();
    const db = drizzle({ client: cachedStatements(sqlite) as Database.Database });
    const t = { all: () => db.all<{ id: number; name: string }>(sql`select id, name from t order by id`) };
    expect(t.all()).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    expect(db.values(sql`select id, name from t order by id`)).toEqual([[1, 'a'], [2, 'b']]);
    expect(t.all()).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
  });

  it('is what the app connection runs its queries through, with $client the connection itself', () => {
    const db = freshDb();
    const prepare = vi.spyOn(db.$client, 'prepare');
    const read = () => db.select({ id: s.clinics.id }).from(s.clinics).where(eq(s.clinics.id, 1)).all();
    read();
    const afterFirst = prepare.mock.calls.length;
    read();
    read();
    expect(prepare.mock.calls.length).toBe(afterFirst);
    expect(db.$client).toBeInstanceOf(Database);
  });
});
