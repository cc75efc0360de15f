/**
 * The environment, parsed once with zod. A bad value stops start-up with a message that names the variable
 * and says what is allowed, never a stack trace.
 */
import { z } from 'zod';
import { parseTrustedProxies } from '@/scripts/forwarded.mjs';

const booleanString = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

const MINUTE_MS = 60_000;
const DURATION_UNIT_MS = { m: MINUTE_MS, h: 60 * MINUTE_MS, d: 24 * 60 * MINUTE_MS } as const;

/** How often the server backs up: `15m`, `1h`, `6h`, `1d` (5 minutes to 1 day), or `off`; parsed to ms or null. */
const backupInterval = z
  .string()
  .trim()
  .toLowerCase()
  .refine(
    (v) => {
      if (v === 'off') return true;
      const m = /^(\d+)(m|h|d)$/.exec(v);
      if (!m) return false;
      const ms = Number(m[1]) * DURATION_UNIT_MS[m[2] as keyof typeof DURATION_UNIT_MS];
      return ms >= 5 * MINUTE_MS && ms <= DURATION_UNIT_MS.d;
    },
    'must be a duration from 5m to 1d such as 30m, 1h or 6h (m = minutes, h = hours, d = days), or off',
  )
  .transform((v) => {
    if (v === 'off') return null;
    const m = /^(\d+)(m|h|d)$/.exec(v)!;
    return Number(m[1]) * DURATION_UNIT_MS[m[2] as keyof typeof DURATION_UNIT_MS];
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_PATH: z.string().trim().min(1, 'must be a file path').default('data/clinic.db'),
  /** The public origin used in feed links, QR codes and auth callbacks, e.g. https://pumps.example.org */
  PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL, e.g. http://localhost:3000' }).optional(),
  PORT: z.coerce.number().int('must be a whole number').min(1).max(65535).default(3000),
  /**
   * Proxies whose X-Forwarded-For/-Host/-Proto are believed (addresses or CIDR ranges, comma-separated).
   * Unset: none; the client is the socket's address (scripts/forwarded.mjs applies the rule per request).
   */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseTrustedProxies(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    }),
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
  /**
   * What a staff read (a patient record, a card, a letter, the day sheet, the FHIR API) does when its audit row
   * cannot be written (a full disk): false (default) serves the read and keeps the row in memory until it can be
   * written; true refuses the read (503) instead. The public emergency page writes nothing and is always served.
   */
  READ_AUDIT_FAIL_CLOSED: booleanString.default(false),
  /**
   * Seed the demo clinic (whose passwords are in the README) into an empty database. Unset: only for a trial on
   * this machine, i.e. without PUBLIC_URL or with a loopback one; never for a deployment at a public address,
   * which starts empty and is set up with `npm run setup` (issue 14, item 12; decision 017).
   */
  SEED_DEMO: booleanString.optional(),
  /**
   * Where the server writes its scheduled backups. Belongs on another disk or mount than DATABASE_PATH
   * (docs/operations.md); unset, a `backups` folder beside the database (same disk: warned at start-up).
   */
  BACKUP_DIR: z.string().trim().min(1, 'must be a folder path').optional(),
  /** Interval of the server's scheduled backups in ms (null: off), aligned to the clock (hourly: on the hour). */
  BACKUP_INTERVAL: backupInterval.prefault('1h'),
  /** E-mail reminders and staff alerts (docs/notifications.md): smtp://user:pass@host:587 or smtps://…:465. Unset: none sent. */
  SMTP_URL: z
    .string()
    .trim()
    .regex(/^smtps?:\/\/[^/\s]+/i, 'must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.org:587')
    .optional(),
  /** The From address of notifications, e.g. "Clinic reminders <reminders@example.org>" (required with SMTP_URL). */
  SMTP_FROM: z.string().trim().min(3, 'must be an e-mail address such as reminders@example.org').optional(),
  /** SMS through the clinic's gateway: each message is POSTed here as signed JSON (docs/notifications.md). */
  SMS_WEBHOOK_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  /** The HMAC-SHA256 key of the webhook signature (required with SMS_WEBHOOK_URL). */
  SMS_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
}).superRefine((v, ctx) => {
  if (v.SMTP_URL && !v.SMTP_FROM)
    ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'is required with SMTP_URL: the From address of reminders, e.g. reminders@example.org' });
  if (v.SMS_WEBHOOK_URL && !v.SMS_WEBHOOK_SECRET)
    ctx.addIssue({ code: 'custom', path: ['SMS_WEBHOOK_SECRET'], message: 'is required with SMS_WEBHOOK_URL (at least 32 characters), so the gateway can check each request' });
});

/** Whether a URL names this machine only (a trial run), not an address others reach. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

type ParsedEnv = z.infer<typeof envSchema>;
export type Env = Omit<ParsedEnv, 'SEED_DEMO'> & {
  SEED_DEMO: boolean;
  /** SEED_DEMO=true was set: the demo is wanted even at a public address. */
  demoRequested: boolean;
  /** PUBLIC_URL names an address other machines reach (not loopback): a deployment, not a trial. */
  publicDeployment: boolean;
};

function withDefaults(v: ParsedEnv): Env {
  const publicDeployment = !!v.PUBLIC_URL && !isLoopbackUrl(v.PUBLIC_URL);
  return { ...v, SEED_DEMO: v.SEED_DEMO ?? !publicDeployment, demoRequested: v.SEED_DEMO === true, publicDeployment };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return withDefaults(result.data);
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
