/**
 * TRUSTED_PROXIES (issue 14, item 2): changing X-Forwarded-For on each request gave 100 of 100 sign-in attempts
 * evaluated, and the faked address was stored on the session. The production server's rule
 * (scripts/forwarded.mjs, applied in scripts/server.mjs) is exercised here on a real HTTP server whose requests go
 * on to the real better-auth handler.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NextRequest } from 'next/server';
import { applyTrustedProxies, parseTrustedProxies, resolveForwarded, type TrustedProxies } from '@/scripts/forwarded.mjs';
import { setupApiTest } from './api';

process.env.PUBLIC_URL = 'http://localhost:3000';
const { POST: authPost } = await import('@/app/api/auth/[...all]/route');

describe('parseTrustedProxies', () => {
  it('accepts addresses and CIDR ranges of both families', () => {
    const t = parseTrustedProxies('127.0.0.1, 10.0.0.0/8,fd00::/8');
    expect(t.isTrusted('127.0.0.1')).toBe(true);
    expect(t.isTrusted('::ffff:127.0.0.1')).toBe(true);
    expect(t.isTrusted('10.20.30.40')).toBe(true);
    expect(t.isTrusted('fd12::1')).toBe(true);
    expect(t.isTrusted('11.0.0.1')).toBe(false);
    expect(t.isTrusted('not an address')).toBe(false);
  });

  it('trusts nothing when unset or empty', () => {
    expect(parseTrustedProxies(undefined).isTrusted('127.0.0.1')).toBe(false);
    expect(parseTrustedProxies(' ').isTrusted('127.0.0.1')).toBe(false);
  });

  it('names a bad entry', () => {
    for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.1/8/9', '10.0.0.0/x', '300.1.1.1'])
      expect(() => parseTrustedProxies(`127.0.0.1, ${bad}`)).toThrow(`"${bad}" is not an IP address or CIDR range`);
  });
});

describe('resolveForwarded', () => {
  const proxy = parseTrustedProxies('10.0.0.1, 10.0.0.2');

  it('ignores every forwarded header from an untrusted socket', () => {
    const r = resolveForwarded('203.0.113.9', { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }, proxy);
    expect(r).toEqual({ clientAddress: '203.0.113.9', trusted: false });
  });

  it('behind trusted proxies, takes the first untrusted hop from the right, so a prepended address is not believed', () => {
    const r = resolveForwarded('10.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.2', 'x-forwarded-host': 'pumps.example.org', 'x-forwarded-proto': 'HTTPS' }, proxy);
    expect(r).toEqual({ clientAddress: '198.51.100.7', trusted: true, forwardedHost: 'pumps.example.org', forwardedProto: 'https' });
  });

  it('a trusted proxy that forwards nothing is itself the client', () => {
    expect(resolveForwarded('10.0.0.1', {}, proxy).clientAddress).toBe('10.0.0.1');
  });
});

/** An HTTP server applying the rule, then handing the request to better-auth as the app would. */
async function startServer(trusted: TrustedProxies) {
  const server = http.createServer((req, res) => {
    applyTrustedProxies(req, trusted);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const request = new NextRequest(new URL(req.url ?? '/', 'http://localhost:3000'), { method: req.method, headers, body: Buffer.concat(chunks) });
      void authPost(request).then(async (response) => {
        res.writeHead(response.status, { 'x-seen-address': req.headers['x-forwarded-for'] ?? '' });
        res.end(await response.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function signInVia(port: number, email: string, forwardedFor: string) {
  return fetch(`http://127.0.0.1:${port}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password: 'a wrong password, again' }),
  });
}

describe('the per-address sign-in limit behind the trusted-proxy rule', () => {
  let servers: http.Server[] = [];
  beforeAll(() => {
    setupApiTest();
  });
  afterAll(() => servers.forEach((s) => s.close()));

  it('a rotating X-Forwarded-For from an untrusted client counts as one address and is limited', async () => {
    const { server, port } = await startServer(parseTrustedProxies(undefined));
    servers.push(server);
    const statuses: number[] = [];
    const seen = new Set<string | null>();
    for (let i = 0; i < 100; i++) {
      // A different email each time, so that the per-email lockout is not what answers.
      const r = await signInVia(port, `rotating-${i}@test.invalid`, `198.51.100.${i + 1}`);
      statuses.push(r.status);
      seen.add(r.headers.get('x-seen-address'));
    }
    expect([...seen]).toEqual(['127.0.0.1']);
    // The sign-in limit is 90 a minute per address (lib/auth/throttle.ts addressSignInAllowance).
    expect(statuses.filter((st) => st === 401)).toHaveLength(90);
    expect(statuses.slice(90)).toEqual(Array(10).fill(429));
    // 100 sign-ins, each hashing a password: slow on a loaded machine, not flaky.
  }, 90_000);

  it('behind a trusted proxy, the forwarded client address is the one counted', async () => {
    const { server, port } = await startServer(parseTrustedProxies('127.0.0.1'));
    servers = [...servers, server];
    const r = await signInVia(port, 'via-proxy@test.invalid', '203.0.113.50');
    expect(r.headers.get('x-seen-address')).toBe('203.0.113.50');
    expect(r.status).toBe(401);
  });
});
