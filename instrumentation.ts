/**
 * Runs once when the server starts: migrate, seed the demo clinic if empty, say where to go. Next.js logs and
 * swallows an error thrown here and keeps serving, so every failure ends the process instead (db/startup.ts).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    try {
      const { startup } = await import('./db/startup');
      await startup();
    } catch (error) {
      console.error('\nCannot start: the start-up code failed to load.\n', error);
      process.exit(1);
    }
  }
}
