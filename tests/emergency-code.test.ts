/**
 * Issue 14: the public emergency page must not list every clinic's name and phone by walking `?clinic=N`. Each
 * clinic has a random emergency code; the page and the cards' QR links use it, and nothing else names a clinic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../db/client';
import { createClinic } from '../db/factories';
import { clinicByEmergencyCode } from '../db/queries/clinics';
import { newEmergencyCode } from '../db/schema';
import * as s from '../db/schema';
import { emergencyUrl } from '../lib/cards/qr';
import { emergencyCodeFrom } from '../lib/validation/cards';
import { freshDb } from './db';

const CODE = /^[0-9a-f]{24}$/;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('emergency codes', () => {
  it('are 96 random bits in 24 hex digits, different every time', () => {
    const codes = new Set(Array.from({ length: 1000 }, newEmergencyCode));
    expect(codes.size).toBe(1000);
    for (const c of codes) expect(c).toMatch(CODE);
  });

  it('the migration gives every existing clinic its own code, and a clinic inserted without one gets one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emergency-code-'));
    dirs.push(dir);
    // The migrations up to the one before the codes, as a database of an earlier version holds them.
    const before = path.join(dir, 'migrations');
    fs.cpSync(migrationsFolder, before, { recursive: true });
    const journalFile = path.join(before, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag.endsWith('_clinic_emergency_code'));
    expect(at).toBeGreaterThan(0);
    fs.writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));

    const sqlite = new Database(path.join(dir, 'old.db'));
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: before });
    const insert = sqlite.prepare(`insert into clinics (name, time_zone, phone_24h, clinic_weekdays, holidays) values (?, 'UTC', '1', '[1]', '[]')`);
    for (const name of ['One', 'Two', 'Three']) insert.run(name);

    migrate(db, { migrationsFolder });
    const codes = sqlite.prepare('select emergency_code as code from clinics').all() as { code: string }[];
    expect(codes).toHaveLength(3);
    for (const { code } of codes) expect(code).toMatch(CODE);
    expect(new Set(codes.map((c) => c.code)).size).toBe(3);

    insert.run('Raw SQL');
    const raw = sqlite.prepare(`select emergency_code as code from clinics where name = 'Raw SQL'`).get() as { code: string };
    expect(raw.code).toMatch(CODE);
    expect(() => sqlite.prepare('update clinics set emergency_code = ? where name = ?').run(codes[0]!.code, 'Raw SQL')).toThrow(/UNIQUE/);
    sqlite.close();
  });

  it('a new clinic gets a code, and the emergency page finds a clinic by its code only', () => {
    const db = freshDb();
    const a = createClinic(db, { name: 'Alpha Clinic', phone24h: '+1 555 000 0001' });
    const b = createClinic(db, { name: 'Beta Clinic', phone24h: '+1 555 000 0002' });
    expect(a.emergencyCode).toMatch(CODE);
    expect(b.emergencyCode).toMatch(CODE);
    expect(a.emergencyCode).not.toBe(b.emergencyCode);
    const stored = db.select({ code: s.clinics.emergencyCode }).from(s.clinics).all().map((r) => r.code);
    expect(stored).toEqual(expect.arrayContaining([a.emergencyCode, b.emergencyCode]));

    expect(clinicByEmergencyCode(db, a.emergencyCode)).toEqual({ name: 'Alpha Clinic', phone24h: '+1 555 000 0001' });
    expect(clinicByEmergencyCode(db, b.emergencyCode)).toEqual({ name: 'Beta Clinic', phone24h: '+1 555 000 0002' });
    expect(clinicByEmergencyCode(db, '0'.repeat(24))).toBeUndefined();
    expect(clinicByEmergencyCode(db, String(a.id))).toBeUndefined();
  });
});

describe('the emergency page’s query', () => {
  const code = '0123456789abcdef01234567';

  it('takes a code from ?c=, in either case', () => {
    expect(emergencyCodeFrom({ c: code })).toBe(code);
    expect(emergencyCodeFrom({ c: code.toUpperCase() })).toBe(code);
    expect(emergencyCodeFrom({ c: [code, 'x'] })).toBe(code);
  });

  it.each([
    ['a clinic id', { clinic: '1' }],
    ['a clinic id in ?c=', { c: '1' }],
    ['nothing', {}],
    ['a short code', { c: code.slice(1) }],
    ['a long code', { c: `${code}0` }],
    ['a code with other characters', { c: `${code.slice(1)}g` }],
    ['SQL', { c: "' or 1=1 --" }],
  ])('names no clinic for %s', (_label, params) => {
    expect(emergencyCodeFrom(params)).toBeNull();
  });

  it('the QR link carries the code and nothing else', () => {
    const url = emergencyUrl('https://pumps.example.org', code);
    expect(url).toBe(`https://pumps.example.org/emergency?c=${code}`);
    expect(emergencyCodeFrom(Object.fromEntries(new URL(url).searchParams))).toBe(code);
  });
});
