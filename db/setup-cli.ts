/**
 * `npm run setup -- --clinic NAME --time-zone ZONE --phone PHONE --admin-name NAME --admin-email EMAIL`: creates a
 * real clinic and its first admin in an empty database (DATABASE_PATH), and prints the admin's one-time temporary
 * password. Safe while the server runs. See README "A real clinic".
 */
import { parseArgs } from 'node:util';
import { ConfigError, parseEnv } from '../lib/env';
import { AppError } from '../lib/errors';
import { fieldErrors } from '../lib/validation/errors';
import { setupSchema } from '../lib/validation/setup';
import { setUpClinic } from '../lib/clinic/setup';
import { closeDatabase, openDatabase } from './client';

const flags = {
  clinic: 'clinicName',
  'time-zone': 'timeZone',
  phone: 'phone24h',
  'admin-name': 'adminName',
  'admin-email': 'adminEmail',
} as const;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({ options: Object.fromEntries(Object.keys(flags).map((f) => [f, { type: 'string' as const }])) }));
} catch (error) {
  fail(`${(error as Error).message}\nUsage: npm run setup -- ${Object.keys(flags).map((f) => `--${f} …`).join(' ')}`);
}

let config;
try {
  config = parseEnv(process.env);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}

const parsed = setupSchema.safeParse(Object.fromEntries(Object.entries(flags).map(([flag, key]) => [key, values[flag] ?? (key === 'timeZone' ? config.CLINIC_TIME_ZONE : undefined)])));
if (!parsed.success) {
  const byFlag = Object.fromEntries(Object.entries(flags).map(([flag, key]) => [key, flag]));
  const lines = Object.entries(fieldErrors(parsed.error)).map(([key, message]) => `  --${byFlag[key] ?? key}: ${message}`);
  fail(`Cannot set up the clinic:\n${lines.join('\n')}`);
}

const db = openDatabase(config.DATABASE_PATH);
try {
  const result = await setUpClinic(db, parsed.data, Date.now());
  console.log(`Created the clinic "${parsed.data.clinicName}" (${parsed.data.timeZone}) in ${config.DATABASE_PATH} and its first admin.

  Sign in as:          ${result.adminEmail}
  Temporary password:  ${result.temporaryPassword}

Shown once. At the first sign-in you choose your own password, then set up an authenticator app (two-step
sign-in is required of admins and physicians; a clinic setting). Then add the staff on the Staff page.`);
} catch (error) {
  fail(error instanceof AppError ? `Cannot set up the clinic: ${error.message}` : `Setup failed: ${(error as Error).message}`);
} finally {
  closeDatabase(db);
}
