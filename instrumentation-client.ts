/**
 * Runs in the browser before the app hydrates (Next.js loads it ahead of every client component).
 *
 * zod compiles object parsers with `new Function` when it may, and finds out by trying once. Our CSP forbids eval
 * (proxy.ts: scripts run only with the nonce), so that try is refused and Chromium reports a CSP violation on
 * every page with a form, even though zod catches it and parses without the compiled fast path. `jitless` skips
 * the try: the same parsing, no violation. The server keeps the compiled parsers (no CSP there).
 */
import { config } from 'zod';

config({ jitless: true });
