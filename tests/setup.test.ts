/**
 * A clinic starts without demo accounts (issue 14, item 12): the demo is seeded only for a trial on this machine
 * or when asked, and `npm run setup` creates a real clinic and its first admin with a one-time strong password
 * that must be replaced, in a clinic that requires two-step sign-in of admins.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifyPassword } from 'better-auth/crypto';
import { eq } from 'drizzle-orm';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '@/db/client';
import * as s from '@/db/schema';
import { parseEnv } from '@/lib/env';
import { passwordWeakness } from '@/lib/auth/password-strength';
import { setUpClinic } from '@/lib/clinic/setup';
import { freshDb } from './db';

const input = { clinicName: 'Lakeside Neuro Clinic', timeZone: 'Europe/Berlin', phone24h: '+49 30 1234567', adminName: 'Greta Admin', adminEmail: 'greta@lakeside.example' };

describe('the demo clinic is seeded only when asked or on this machine', () => {
  it('is off by default at a public address, on for a trial without PUBLIC_URL or on loopback', () => {
    expect(parseEnv({ PUBLIC_URL: 'https://pumps.example.org' }).SEED_DEMO).toBe(false);
    expect(parseEnv({ PUBLIC_URL: 'http://10.0.0.5:3000' }).SEED_DEMO).toBe(false);
    expect(parseEnv({}).SEED_DEMO).toBe(true);
    expect(parseEnv({ PUBLIC_URL: 'http://127.0.0.1:3100' }).SEED_DEMO).toBe(true);
    expect(parseEnv({ PUBLIC_URL: 'http://localhost:3000' }).SEED_DEMO).toBe(true);
    expect(parseEnv({ SEED_DEMO: 'false' }).SEED_DEMO).toBe(false);
    const asked = parseEnv({ PUBLIC_URL: 'https://demo.example.org', SEED_DEMO: 'true' });
    expect(asked).toMatchObject({ SEED_DEMO: true, demoRequested: true, publicDeployment: true });
  });
});

describe('npm run setup', () => {
  it('creates the clinic and its first admin, with a strong temporary password and two-step sign-in required', async () => {
    const db = freshDb();
    const result = await setUpClinic(db, input, Date.parse('2026-12-03T10:00:00Z'));
    const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, result.clinicId)).get()!;
    expect(clinic).toMatchObject({ name: input.clinicName, timeZone: 'Europe/Berlin', phone24h: input.phone24h, isDemo: false, mfaRequiredRoles: ['admin', 'physician'] });
    // Refills Monday to Friday and no holidays until the admin sets them: a due date never moves to a closed day unseen.
    expect(clinic.clinicWeekdays).toEqual([1, 2, 3, 4, 5]);
    expect(clinic.holidays).toEqual([]);
    const users = db.select().from(s.users).all();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: result.adminId, name: input.adminName, email: input.adminEmail, emailVerified: true, role: 'admin', clinicId: clinic.id, mustChangePassword: true, twoFactorEnabled: false });
    expect(passwordWeakness(result.temporaryPassword, [])).toBeNull();
    const account = db.select().from(s.accounts).where(eq(s.accounts.userId, result.adminId)).get()!;
    // The account better-auth's email and password sign-in looks up.
    expect(account).toMatchObject({ providerId: 'credential', accountId: result.adminId });
    expect(await verifyPassword({ hash: account.password!, password: result.temporaryPassword })).toBe(true);
    const audit = db.select().from(s.auditLog).where(eq(s.auditLog.action, 'setup')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ clinicId: clinic.id, entity: 'clinic', entityId: String(clinic.id), actorId: null, actorLabel: 'npm run setup' });
    expect(audit[0]!.after).toEqual({ clinic: input.clinicName, timeZone: input.timeZone, admin: { id: result.adminId, name: input.adminName, email: input.adminEmail } });
    expect(JSON.stringify(audit[0])).not.toContain(result.temporaryPassword);
    closeDatabase(db);
  });

  it('refuses a database that already holds a clinic, and writes nothing', async () => {
    const db = freshDb();
    await setUpClinic(db, input, Date.now());
    await expect(setUpClinic(db, { ...input, adminEmail: 'second@lakeside.example' }, Date.now())).rejects.toThrow(/already holds a clinic/);
    expect(db.select().from(s.users).all()).toHaveLength(1);
    closeDatabase(db);
  });

  it('from the command line: names a bad flag and creates nothing; then prints the one-time password', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-setup-'));
    const file = path.join(dir, 'clinic.db');
    fs.copyFileSync(inject('templateDb'), file);
    const run = (args: string[]) => {
      try {
        return { code: 0, out: execFileSync('npx', ['tsx', 'db/setup-cli.ts', ...args], { env: { ...process.env, DATABASE_PATH: file }, encoding: 'utf8', stdio: 'pipe' }) };
      } catch (error) {
        const e = error as { status: number; stderr: string };
        return { code: e.status, out: e.stderr };
      }
    };
    const flags = ['--clinic', input.clinicName, '--time-zone', input.timeZone, '--phone', input.phone24h, '--admin-name', input.adminName];
    const bad = run([...flags, '--admin-email', 'not-an-email']);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/--admin-email: must be an email address/);
    const ok = run([...flags, '--admin-email', input.adminEmail]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/Temporary password: {2}\S{5}-\S{5}-\S{5}-\S{5}/);
    const db = openDatabase(file);
    expect(db.select({ email: s.users.email }).from(s.users).all()).toEqual([{ email: input.adminEmail }]);
    closeDatabase(db);
  }, 60_000);
});
