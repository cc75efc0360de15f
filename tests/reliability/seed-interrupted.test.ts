/**
 * Killing the very first start during seeding (issue 13, item 9) used to leave 40 patients and no staff, and
 * every later start printed demo sign-ins that did not work. The seed is one transaction now: a kill leaves an
 * empty database, and the next start seeds a complete clinic whose printed sign-ins work. A database that an
 * older version half-seeded is refused at start-up with a message saying what to do.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { verifyPassword } from 'better-auth/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { DEMO_PASSWORD, demoStaff, seedClinic } from '../../db/seed';
import { runCleanups, start, tmpDir } from './startup-run';

afterEach(runCleanups);

const count = (file: string, table: string) => {
  const raw = new Database(file, { readonly: true });
  try {
    return (raw.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    raw.close();
  }
};

describe('a first start killed during seeding', () => {
  it('leaves no half clinic; the next start seeds one whose printed demo sign-ins work', async () => {
    const file = path.join(tmpDir(), 'clinic.db');
    const killed = await start(file, { script: path.join(import.meta.dirname, 'seed-killed-child.ts') }).exited;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).not.toContain('SEED FINISHED');
    for (const table of ['clinics', 'patients', 'users', 'accounts']) expect(count(file, table), table).toBe(0);

    const next = start(file, { env: { SEED_DEMO: 'true' } });
    await next.started;
    next.process.kill('SIGKILL');
    const { stdout } = await next.exited;
    expect(stdout).toMatch(/Seeded the demo clinic: 40 patients/);
    for (const u of demoStaff) expect(stdout).toContain(u.email);

    const raw = new Database(file, { readonly: true });
    const rows = raw
      .prepare(
        "select u.email, a.password from users u join accounts a on a.user_id = u.id and a.provider_id = 'credential'",
      )
      .all() as { email: string; password: string }[];
    raw.close();
    expect(rows.map((r) => r.email).sort()).toEqual(demoStaff.map((u) => u.email).sort());
    for (const r of rows) expect(await verifyPassword({ hash: r.password, password: DEMO_PASSWORD }), r.email).toBe(true);
    expect(count(file, 'patients')).toBe(40);
  });

  it('a demo clinic without staff (half-seeded by an older version) is refused with what to do', async () => {
    const file = path.join(tmpDir(), 'clinic.db');
    const db = openDatabase(file);
    seedClinic(db, { now: Date.now(), patients: 3 });
    db.$client.close();
    const { code, stderr, stdout } = await start(file, { env: { SEED_DEMO: 'true' } }).exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/Cannot start: DATABASE_PATH .*clinic\.db holds a demo clinic without its staff accounts/);
    expect(stderr).toMatch(/delete the file/);
    expect(stdout).not.toContain('password:');
  });
});
