/**
 * scripts/server.mjs's limited HTTP server around a stand-in for Next.js's handler: it reads the whole body, as
 * a route handler's request.json() does, and answers with its size. Prints `LISTENING <port>` once serving.
 * Used by http-limits.test.ts.
 */
import { createLimitedServer, limitsFromEnv } from '../../scripts/server.mjs';

const server = createLimitedServer(async (req, res) => {
  console.log(`HANDLER ${req.method} ${req.url}`);
  let bytes = 0;
  for await (const chunk of req) bytes += chunk.length;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ bytes }));
}, limitsFromEnv());
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
