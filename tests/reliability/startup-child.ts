/**
 * A server's start-up without the HTTP layer: runs db/startup.ts's startup() (the instrumentation hook's
 * work) on DATABASE_PATH, then stays up like a server until killed. Used by startup.test.ts.
 */
import { startup } from '../../db/startup';

await startup();
console.log('STARTED');
setInterval(() => {}, 60_000);
