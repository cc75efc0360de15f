#!/usr/bin/env node
// The production HTTP server: Next.js behind one step of our own, the trusted-proxy rule (scripts/forwarded.mjs).
// `next start` passes a client's X-Forwarded-For through untouched and hides the socket's address from the app,
// so a client could pick the address the per-address sign-in limit, sessions and the audit trail record.
// Here every request's forwarded headers are rewritten from the socket address and TRUSTED_PROXIES first.
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { applyTrustedProxies, parseTrustedProxies } from './forwarded.mjs';

const root = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '0.0.0.0';

let trusted;
try {
  trusted = parseTrustedProxies(process.env.TRUSTED_PROXIES);
} catch (error) {
  console.error(`\nInvalid configuration:\n  TRUSTED_PROXIES: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const app = next({ dev: false, dir: root, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = http.createServer((req, res) => {
  applyTrustedProxies(req, trusted);
  void handle(req, res);
});
server.listen(port, hostname, () => {
  const proxies = trusted.entries.length ? `trusting forwarded headers from ${trusted.entries.join(', ')}` : 'trusting no proxy';
  console.log(`Serving on http://${hostname}:${port} (${proxies})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
