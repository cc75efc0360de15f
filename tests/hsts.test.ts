/**
 * HSTS when the clinic is served over https (issue 14, item 11: "no HSTS with an https PUBLIC_URL"). The
 * proxy (proxy.ts) runs before every page and route, so the header is on pages, API answers and the
 * redirect to sign-in; it reads PUBLIC_URL at run time.
 */
import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it } from 'vitest';
import { HSTS_VALUE, hstsHeader } from '@/lib/http/hsts';
import { proxy } from '@/proxy';

const saved = process.env.PUBLIC_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.PUBLIC_URL;
  else process.env.PUBLIC_URL = saved;
});

const hstsOf = (path: string, cookie?: string) =>
  proxy(new NextRequest(`https://pumps.example.org${path}`, cookie ? { headers: { cookie } } : {})).headers.get('strict-transport-security');

describe('Strict-Transport-Security', () => {
  it('is a year, without includeSubDomains or preload, for an https PUBLIC_URL only', () => {
    expect(HSTS_VALUE).toBe('max-age=31536000');
    expect(hstsHeader('https://pumps.example.org')).toBe(HSTS_VALUE);
    expect(hstsHeader('http://localhost:3000')).toBeNull();
    expect(hstsHeader(undefined)).toBeNull();
    expect(hstsHeader('not a url')).toBeNull();
  });

  it('is on every answer of the proxy when PUBLIC_URL is https: a page, the redirect to sign-in, the API, the emergency page', () => {
    process.env.PUBLIC_URL = 'https://pumps.example.org';
    expect(hstsOf('/worklist', 'better-auth.session_token=x')).toBe(HSTS_VALUE);
    const redirect = proxy(new NextRequest('https://pumps.example.org/worklist'));
    expect(redirect.headers.get('location')).toMatch(/\/sign-in\?next=/);
    expect(redirect.headers.get('strict-transport-security')).toBe(HSTS_VALUE);
    expect(hstsOf('/api/v1/worklist')).toBe(HSTS_VALUE);
    expect(hstsOf('/emergency')).toBe(HSTS_VALUE);
  });

  it('is absent when PUBLIC_URL is http or unset (a local trial must not pin the host to https)', () => {
    process.env.PUBLIC_URL = 'http://localhost:3000';
    expect(hstsOf('/emergency')).toBeNull();
    delete process.env.PUBLIC_URL;
    expect(hstsOf('/emergency')).toBeNull();
  });
});
