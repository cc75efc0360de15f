#!/usr/bin/env node
/**
 * The production HTTP server: Next.js's request handler (the same one `next start` uses) behind a Node HTTP
 * server whose limits a clinic's server needs and `next start` cannot set (issue 13, item 9), and the
 * trusted-proxy rule (issue 14, item 2: `next start` passes a client's X-Forwarded-For through untouched):
 *
 * - headersTimeout / requestTimeout: a client that sends its headers byte by byte (slowloris) or stalls an
 *   upload is answered 408 and dropped in seconds, not held 60 s and 300 s (Node's defaults). Node checks the
 *   timers every connectionsCheckingInterval (30 s by default), so that is shortened too.
 * - the request body limit, on every route (pages, server actions, /api/v1/*, /api/auth/*): a Content-Length
 *   above it is answered 413 before a byte is read; a chunked body is counted as it arrives and answered 413
 *   the moment it passes the limit, then the connection is closed, so a 100 MB upload is never read in full
 *   (nor held: what arrives after the limit is discarded).
 *   Without this, Next.js buffers up to 10 MB of every body for the proxy and reads the rest to discard it.
 *
 * Started by scripts/start.mjs (npm start) and scripts/e2e-server.mjs; HOST, PORT and the limits come from the
 * environment (README, "Configuration").
 */
import http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { applyTrustedProxies, parseTrustedProxies } from './forwarded.mjs';

const seconds = (name, fallback, max) =>
  z.coerce
    .number({ message: `${name} must be a number of seconds` })
    .int(`${name} must be a whole number of seconds`)
    .min(1, `${name} must be at least 1 second`)
    .max(max, `${name} must be at most ${max} seconds`)
    .default(fallback);

const limitsSchema = z
  .object({
    /** Time a client has to send its request headers. */
    HTTP_HEADERS_TIMEOUT_S: seconds('HTTP_HEADERS_TIMEOUT_S', 10, 120),
    /** Time a client has to send its whole request, body included. */
    HTTP_REQUEST_TIMEOUT_S: seconds('HTTP_REQUEST_TIMEOUT_S', 30, 600),
    /**
     * How long an idle keep-alive connection stays open between requests. Longer than the idle timeout of the
     * proxies and clients in front (nginx and most load balancers: 60 s), so that the server never closes a
     * connection at the moment a client sends its next request on it (the client then sees ECONNRESET, a proxy
     * answers 502). Node's own default is 5 s.
     */
    HTTP_KEEP_ALIVE_TIMEOUT_S: seconds('HTTP_KEEP_ALIVE_TIMEOUT_S', 65, 600),
    /** The largest request body accepted; the app's largest real body (a settings form) is a few KiB. */
    MAX_REQUEST_BODY_KB: z.coerce
      .number({ message: 'MAX_REQUEST_BODY_KB must be a number of KiB' })
      .int('MAX_REQUEST_BODY_KB must be a whole number of KiB')
      .min(16, 'MAX_REQUEST_BODY_KB must be at least 16')
      .max(102_400, 'MAX_REQUEST_BODY_KB must be at most 102400 (100 MiB)')
      .default(1024),
  })
  .refine((v) => v.HTTP_HEADERS_TIMEOUT_S <= v.HTTP_REQUEST_TIMEOUT_S, {
    message: 'HTTP_HEADERS_TIMEOUT_S must not be longer than HTTP_REQUEST_TIMEOUT_S',
    path: ['HTTP_HEADERS_TIMEOUT_S'],
  });

/** The server's limits from the environment; a bad value throws an Error naming the variable. */
export function limitsFromEnv(source = process.env) {
  const result = limitsSchema.safeParse(source);
  if (!result.success) {
    throw new Error(`Invalid configuration:\n${result.error.issues.map((i) => `  ${i.message}`).join('\n')}`);
  }
  const v = result.data;
  return {
    headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_S * 1000,
    requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_S * 1000,
    keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_S * 1000,
    maxBodyBytes: v.MAX_REQUEST_BODY_KB * 1024,
  };
}

/** How long a refused upload's connection stays open so the client can read the 413 (nginx's lingering close). */
const LINGER_MS = 2000;

/**
 * Answers 413 and closes the connection. Closing at once would make the kernel reset the connection while the
 * client is still sending, and a reset client often loses the answer; so what still arrives is discarded, never
 * kept, for at most LINGER_MS and at most another `maxBodyBytes`, then the connection is closed.
 */
function refuseTooLarge(req, res, maxBodyBytes) {
  const socket = req.socket;
  const close = () => socket.destroy();
  let discarded = 0;
  req.push = (chunk) => {
    if (chunk) {
      discarded += chunk.length;
      if (discarded > maxBodyBytes) close();
    }
    return true;
  };
  setTimeout(close, LINGER_MS).unref();
  const body = JSON.stringify({
    error: `The request body is larger than the server accepts (${Math.round(maxBodyBytes / 1024)} KiB). Nothing was saved.`,
  });
  res.writeHead(413, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

/**
 * Calls `handler(req, res)` once the body is known to be within `maxBodyBytes`, or answers 413. A Content-Length
 * is checked up front (Node's parser never delivers more than it says). A chunked body is held back from the
 * handler as the parser delivers it (req.push is where the parser hands over each chunk, whether or not anyone
 * is reading yet) and given to it whole once it ends within the limit.
 */
export function withBodyLimit(handler, maxBodyBytes) {
  return (req, res) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) return refuseTooLarge(req, res, maxBodyBytes);
    if (req.headers['transfer-encoding'] === undefined) return handler(req, res);

    const push = req.push;
    const held = [];
    let size = 0;
    req.push = function holdChunk(chunk, encoding) {
      if (chunk === null) {
        req.push = push;
        for (const c of held) push.call(req, c);
        push.call(req, null);
        handler(req, res);
        return true;
      }
      size += chunk.length;
      if (size > maxBodyBytes) {
        held.length = 0;
        refuseTooLarge(req, res, maxBodyBytes);
        return true;
      }
      held.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
      return true;
    };
  };
}

/**
 * The framing a route handler cannot set (lib/feeds/serve.ts): Next.js drops Content-Length and
 * Content-Encoding from a handler's Response. The request gets FRAMING_REQUEST ('1', whatever the client sent);
 * a handler that took it up names the length and encoding of its exact body in the two private headers, and
 * they become the real ones as the status line is written (explicitly or implicitly: Node's implicit header
 * goes through writeHead too). Nothing else is touched, so a response without them is framed as before.
 */
const FRAMING_REQUEST = 'x-pump-server-framing';
const FRAMING_LENGTH = 'x-pump-framing-content-length';
const FRAMING_ENCODING = 'x-pump-framing-content-encoding';

export function withFraming(req, res) {
  req.headers[FRAMING_REQUEST] = '1';
  const writeHead = res.writeHead;
  res.writeHead = function framedWriteHead(...args) {
    const length = this.getHeader(FRAMING_LENGTH);
    if (length !== undefined) {
      const encoding = this.getHeader(FRAMING_ENCODING);
      this.removeHeader(FRAMING_LENGTH);
      this.removeHeader(FRAMING_ENCODING);
      this.setHeader('Content-Length', String(length));
      if (encoding !== undefined) this.setHeader('Content-Encoding', String(encoding));
    }
    return writeHead.apply(this, args);
  };
}

/** A Node HTTP server with the limits above, serving `handler`. */
export function createLimitedServer(handler, limits) {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node looks for connections past those timeouts.
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    withBodyLimit(handler, limits.maxBodyBytes),
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  return server;
}

async function main() {
  let limits;
  let trusted;
  try {
    limits = limitsFromEnv();
  } catch (error) {
    console.error(`\nCannot start: ${error.message}\n`);
    process.exit(1);
  }
  try {
    trusted = parseTrustedProxies(process.env.TRUSTED_PROXIES);
  } catch (error) {
    console.error(`\nCannot start: Invalid configuration:\n  TRUSTED_PROXIES: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const root = path.resolve(import.meta.dirname, '..');
  const hostname = process.env.HOST ?? '0.0.0.0';
  const port = Number(process.env.PORT ?? '3000');
  const { default: next } = await import('next');
  const app = next({ dev: false, dir: root, hostname, port });
  // prepare() runs instrumentation.ts (migrate, seed, backups), which ends the process on failure.
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createLimitedServer((req, res) => {
    // Forwarded headers rewritten from the socket address: believed only from TRUSTED_PROXIES (scripts/forwarded.mjs).
    applyTrustedProxies(req, trusted);
    withFraming(req, res);
    handle(req, res).catch((error) => {
      console.error('Unhandled request error', error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('Internal server error');
    });
  }, limits);
  server.on('error', (error) => {
    console.error(`\nCannot start: the HTTP server failed (${error.code ?? error.message}).\n`);
    process.exit(1);
  });
  server.listen(port, hostname, () => {
    const proxies = trusted.entries.length ? `trusting forwarded headers from ${trusted.entries.join(', ')}` : 'trusting no proxy';
    console.log(`Listening on http://${hostname}:${port} (${proxies})`);
  });
  // Finish the requests in flight, then exit; a connection that does not finish in 10 s is not waited for.
  const stop = () => {
    server.close(() => process.exit(0));
    // Idle keep-alive connections (kept HTTP_KEEP_ALIVE_TIMEOUT_S) would otherwise hold the close open.
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
