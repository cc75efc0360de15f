import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { freshDb } from '../tests/db';
import { insertOne } from './fast-insert';
import * as s from './schema';

const clinic = {
  name: 'Fast',
  timeZone: 'Europe/Paris',
  phone24h: '+33 1 00 00 00 00',
  address: '1 rue',
  clinicWeekdays: [1, 3, 5],
  holidays: ['2026-12-25'],
  isDemo: true,
};

describe('insertOne', () => {
  it('returns the row exactly as drizzle reads it back: JSON, booleans, defaults and nulls decoded', () => {
    const db = freshDb();
    const fast = insertOne(db, s.clinics, clinic);
    const read = db.select().from(s.clinics).where(eq(s.clinics.id, fast.id)).get();
    expect(fast).toEqual(read);
    expect(fast.clinicWeekdays).toEqual([1, 3, 5]);
    expect(fast.isDemo).toBe(true);
    // Through a drizzle transaction object (no client handle) it takes drizzle's path, with the same result shape.
    const viaTx = db.transaction((tx) =>
      insertOne(tx, s.clinics, { ...clinic, name: 'Via tx', isDemo: false }),
    );
    expect(viaTx).toEqual(db.select().from(s.clinics).where(eq(s.clinics.id, viaTx.id)).get());
    expect(Object.keys(viaTx).sort()).toEqual(Object.keys(fast).sort());
  });

  it('reuses one statement per column set, and different column sets do not mix values', () => {
    const db = freshDb();
    const c = insertOne(db, s.clinics, clinic);
    const a = insertOne(db, s.patients, {
      clinicId: c.id,
      mrn: 'A1',
      givenName: 'A',
      familyName: 'One',
      dateOfBirth: '1980-01-01',
      spasticityOrigin: 'spinal',
      riskCommunication: true,
    });
    const bInput = {
      clinicId: c.id,
      mrn: 'B2',
      givenName: 'B',
      familyName: 'Two',
      dateOfBirth: '1990-02-02',
      spasticityOrigin: 'cerebral' as const,
      phone: '+1 555',
    };
    const b = insertOne(db, s.patients, bInput);
    expect([a.mrn, a.riskCommunication, a.phone]).toEqual(['A1', true, '']);
    expect([b.mrn, b.riskCommunication, b.phone]).toEqual(['B2', false, '+1 555']);

    // The same column set again: no new statement is prepared.
    const prepare = vi.spyOn(db.$client, 'prepare');
    const again = insertOne(db, s.patients, { ...bInput, mrn: 'B3' });
    expect(prepare).not.toHaveBeenCalled();
    expect(again).toMatchObject({ mrn: 'B3', phone: '+1 555' });
    prepare.mockRestore();
  });

  it('rolls back with the transaction it runs in, and rejects an unknown column', () => {
    const db = freshDb();
    expect(() =>
      db.transaction(() => {
        insertOne(db, s.clinics, clinic);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(db.select().from(s.clinics).all()).toEqual([]);
    expect(() => insertOne(db, s.clinics, { ...clinic, nope: 1 } as typeof clinic)).toThrow(
      'clinics has no column nope',
    );
    // A constraint violation surfaces as SQLite's error and writes nothing.
    expect(() =>
      insertOne(db, s.patients, {
        clinicId: 999,
        mrn: 'X',
        givenName: 'X',
        familyName: 'X',
        dateOfBirth: '1980-01-01',
        spasticityOrigin: 'spinal',
      }),
    ).toThrow(/FOREIGN KEY/);
    expect(db.select().from(s.patients).all()).toEqual([]);
  });
});
