/**
 * The environment, parsed once with zod. A bad value stops start-up with a message that names the variable
 * and says what is allowed, never a stack trace.
 */
import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_PATH: z.string().trim().min(1, 'must be a file path').default('data/clinic.db'),
  /** The public origin used in feed links, QR codes and auth callbacks, e.g. https://pumps.example.org */
  PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL, e.g. http://localhost:3000' }).optional(),
  PORT: z.coerce.number().int('must be a whole number').min(1).max(65535).default(3000),
  /** Secret for session signing; generated and kept beside the database when unset. */
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Time zone of the clinic created on first start (an IANA name). */
  CLINIC_TIME_ZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return zone.includes('/') || zone === 'UTC';
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as America/Chicago or Europe/Berlin')
    .default('America/Chicago'),
  /** /readyz answers 503 when the database's file system has less free space than this (MiB). */
  READY_MIN_FREE_MB: z.coerce.number({ message: 'must be a number of MiB' }).int('must be a whole number of MiB').min(0).default(100),
  /** /readyz answers 503 when the last backup is older than this many hours; 0 reports the age without checking it. */
  READY_MAX_BACKUP_AGE_HOURS: z.coerce.number({ message: 'must be a number of hours' }).min(0).default(0),
  /** Seed the demo clinic into an empty database. */
  SEED_DEMO: booleanString.default(true),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
