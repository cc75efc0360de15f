#!/usr/bin/env node
// `npm test`: every check, in order, stopping at the first failure: typecheck, lint, unit (UTC), unit-tz (the same
// suite in Australia/Lord_Howe), e2e. `npm test -- unit unit-tz` runs only the steps named.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findChromium } from './chromium.mjs';

process.env.NEXT_TELEMETRY_DISABLED = '1';
const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const browser = findChromium();
if (!browser) {
  console.error(
    '\nnpm test needs Chromium for the end-to-end tests and none was found.\n' +
      'Fix: install Debian\'s Chromium (sudo apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium/Chrome binary.\n',
  );
  process.exit(1);
}

// unit-tz runs the unit suite in a zone with a half-hour DST shift and a +10:30/+11 offset, so that nothing
// depends on the server's zone (issue 12; decision 023 for why the zone code and its test oracles never read the
// host's local time).
const steps = [
  ['typecheck', bin('tsc'), ['--noEmit', '-p', '.']],
  ['lint', bin('eslint'), ['.', '--max-warnings', '0']],
  ['unit', bin('vitest'), ['run']],
  ['unit-tz', bin('vitest'), ['run'], { TZ: 'Australia/Lord_Howe' }],
  ['e2e', bin('playwright'), ['test']],
];
const only = process.argv.slice(2);
for (const [name, cmd, args, env = {}] of steps) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n▶ ${name}`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: browser, TZ: 'UTC', ...env } });
  if (result.status !== 0) {
    console.error(`\n✖ ${name} failed`);
    process.exit(result.status ?? 1);
  }
}
console.log('\n✔ all checks passed');
