/**
 * GET /healthz and GET /readyz (issue "Runs for years unattended", item 2): public, JSON, no PHI, cheap. The
 * route handlers are called directly on a fresh copy of the migrated template, installed as the app's
 * connection.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { checkReadiness } from '../../lib/http/readiness';
import { proxy } from '../../proxy';
import { freshDb } from '../db';

let db: Db;
let file: string;

beforeAll(() => {
  db = freshDb();
  file = db.$client.name;
  process.env.DATABASE_PATH = file;
  (globalThis as { __pumpDb?: Db }).__pumpDb = db;
});
afterAll(() => {
  db.$client.close();
  delete (globalThis as { __pumpDb?: Db }).__pumpDb;
});

const options = () => ({ databasePath: file, minFreeMb: 100, maxBackupAgeHours: 0, now: Date.now() });

describe('GET /healthz', () => {
  it('answers 200 without touching the database', async () => {
    const { GET } = await import('../../app/healthz/route');
    const response = GET();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('is public: the proxy lets both probes through without a session', () => {
    for (const p of ['/healthz', '/readyz']) {
      const response = proxy(new NextRequest(`http://localhost${p}`));
      expect(response.headers.get('location'), p).toBeNull();
    }
  });

  it('answers 200 with every check when ready, then 503 naming "file" once the database file is replaced', async () => {
    const { GET } = await import('../../app/readyz/route');
    const ready = GET();
    const body = (await ready.json()) as {
      status: string;
      failing: string[];
      checks: Record<string, { ok: boolean }>;
    };
    expect(ready.status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual([
      'backup',
      'database',
      'disk',
      'file',
      'migrations',
      'storage',
      'writable',
    ]);
    expect(JSON.stringify(body)).not.toContain(path.dirname(file)); // no paths in a public answer

    // A restore done by hand while the server runs (mv a file into place): the process still writes the old one.
    fs.renameSync(file, `${file}.old`);
    fs.copyFileSync(`${file}.old`, file);
    const replaced = GET();
    expect(replaced.status).toBe(503);
    const after = (await replaced.json()) as { status: string; failing: string[] };
    expect(after).toMatchObject({ status: 'not ready', failing: ['file'] });

    fs.rmSync(file);
    expect(checkReadiness(() => db, options()).failing).toEqual(['file']);
    fs.renameSync(`${file}.old`, file);
    expect(checkReadiness(() => db, options()).failing).toEqual([]);
  });

  it('fails "writable" when another connection holds the write lock, without waiting the full busy timeout', async () => {
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      const result = checkReadiness(() => db, options());
      expect(result.failing).toEqual(['writable']);
      expect(result.checks.writable!.detail).toMatch(/SQLITE_BUSY/);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(checkReadiness(() => db, options()).failing).toEqual([]);
  });

  it('fails "disk" below the free-space threshold and "database" when the database cannot be opened', () => {
    const low = checkReadiness(() => db, { ...options(), minFreeMb: Number.MAX_SAFE_INTEGER });
    expect(low.failing).toEqual(['disk']);
    const none = checkReadiness(() => {
      throw Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
    }, options());
    expect(none.failing).toEqual(['database']);
    expect(none.checks.database!.detail).toMatch(/SQLITE_CANTOPEN/);
  });

  it('fails "migrations" when the database lacks a migration this version knows', () => {
    const newest = db.$client
      .prepare(
        'select hash, created_at as createdAt from __drizzle_migrations order by created_at desc limit 1',
      )
      .get() as {
      hash: string;
      createdAt: number;
    };
    db.$client.prepare('delete from __drizzle_migrations where created_at = ?').run(newest.createdAt);
    try {
      expect(checkReadiness(() => db, options()).failing).toEqual(['migrations']);
    } finally {
      db.$client
        .prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)')
        .run(newest.hash, newest.createdAt);
    }
    expect(checkReadiness(() => db, options()).failing).toEqual([]);
  });

  it('reports the last backup age, and fails "backup" only when READY_MAX_BACKUP_AGE_HOURS is set', () => {
    expect(checkReadiness(() => db, options()).checks.backup).toMatchObject({ ok: true, lastBackup: null });
    // db/backup-status.ts records no backup yet: with a maximum age set, that is a failing check.
    expect(checkReadiness(() => db, { ...options(), maxBackupAgeHours: 26 }).checks.backup).toMatchObject({
      ok: false,
      detail: 'no backup recorded',
    });
  });
});
