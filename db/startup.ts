/**
 * Start-up: parse the environment, open and migrate the database, seed the demo clinic into an empty one.
 * Any failure prints one clear message and stops the process rather than serving wrong data.
 */
import { ConfigError, env } from '@/lib/env';
import { DatabaseStartupError } from './client';
import { getDb } from './runtime';
import { DEMO_PASSWORD, demoStaff, seedDemo } from './seed';

export async function startup(): Promise<void> {
  try {
    const config = env();
    const db = getDb();
    if (config.SEED_DEMO) {
      const seeded = await seedDemo(db, { now: Date.now() });
      if (seeded) {
        console.log(`\nSeeded the demo clinic: ${seeded.patients} patients, ${seeded.visits} refill visits.`);
        console.log('Demo sign-in (demo clinic only):');
        for (const u of demoStaff) console.log(`  ${u.role.padEnd(10)} ${u.email}  password: ${DEMO_PASSWORD}`);
      }
    }
    const url = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
    console.log(`\nPump refill scheduler ready: open ${url}\n`);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DatabaseStartupError) {
      console.error(`\nCannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
