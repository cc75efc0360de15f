/** Runs once when the server starts: migrate, seed the demo clinic if empty, say where to go. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startup } = await import('./db/startup');
    await startup();
  }
}
