/**
 * The systemd unit of the runbook (deploy/, docs/operations.md) is one systemd accepts: `systemd-analyze verify`
 * exits 0 and prints nothing (systemd only warns, exit 0, about unknown keys and bad values, so any output fails).
 * ExecStart names /usr/bin/node (Debian's); on a machine whose node lives elsewhere, the copy checked here names
 * this test's node instead, since verify also checks that the command exists.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const unit = path.resolve(import.meta.dirname, '..', '..', 'deploy', 'pump-refill-scheduler.service');
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('deploy/pump-refill-scheduler.service', () => {
  it.skipIf(!hasSystemdAnalyze)(
    'passes systemd-analyze verify without a warning (skipped only when systemd-analyze is not installed: apt-get install systemd)',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-unit-'));
      try {
        const text = fs.readFileSync(unit, 'utf8');
        expect(text).toMatch(/^ExecStart=\/usr\/bin\/node scripts\/start\.mjs$/m);
        const copy = path.join(dir, path.basename(unit));
        fs.writeFileSync(
          copy,
          fs.existsSync('/usr/bin/node') ? text : text.replace('/usr/bin/node', process.execPath),
        );
        const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
        expect(`${result.stdout}${result.stderr}`).toBe('');
        expect(result.status).toBe(0);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('writes its database and backups where the runbook says, and restarts on failure', () => {
    const text = fs.readFileSync(unit, 'utf8');
    expect(text).toMatch(/^Environment=DATABASE_PATH=\/var\/lib\/pump-refill-scheduler\/clinic\.db$/m);
    expect(text).toMatch(/^Environment=BACKUP_DIR=\/mnt\/backup\/pump-refill-scheduler$/m);
    expect(text).toMatch(
      /^ReadWritePaths=\/var\/lib\/pump-refill-scheduler \/mnt\/backup\/pump-refill-scheduler /m,
    );
    expect(text).toMatch(/^Restart=always$/m);
  });
});
