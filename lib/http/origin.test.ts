import { beforeEach, describe, expect, it, vi } from 'vitest';

const settings: { PUBLIC_URL?: string; PORT: number; TRUSTED_PROXIES?: string } = { PORT: 3000 };
vi.mock('server-only', () => ({}));
vi.mock('@/lib/env', () => ({ env: () => settings }));
const { requestOrigin, requestHost } = await import('./origin');

const h = (entries: Record<string, string>) => new Headers(entries);

describe('requestOrigin', () => {
  beforeEach(() => {
    delete settings.PUBLIC_URL;
    delete settings.TRUSTED_PROXIES;
  });

  it('uses PUBLIC_URL when configured, without a trailing slash', () => {
    settings.PUBLIC_URL = 'https://pumps.example.org/';
    expect(requestOrigin(h({ host: 'evil.example' }))).toBe('https://pumps.example.org');
    expect(requestHost(h({}))).toBe('pumps.example.org');
  });

  it('otherwise links to the address the request came to, not the listening address', () => {
    expect(requestOrigin(h({ host: '192.168.1.20:3000' }))).toBe('http://192.168.1.20:3000');
    expect(requestOrigin(h({ host: 'clinic-pc.local:3000' }))).toBe('http://clinic-pc.local:3000');
    expect(requestOrigin(h({ host: '[::1]:3000' }))).toBe('http://[::1]:3000');
  });

  it('believes X-Forwarded-Host and -Proto only behind a configured trusted proxy', () => {
    const forwarded = h({ host: 'a:1', 'x-forwarded-host': 'pumps.example.org', 'x-forwarded-proto': 'https' });
    // A client-sent X-Forwarded-Host must not choose the host in QR codes and feed links.
    expect(requestOrigin(forwarded)).toBe('http://a:1');
    settings.TRUSTED_PROXIES = '10.0.0.1';
    expect(requestOrigin(forwarded)).toBe('https://pumps.example.org');
  });

  it('never puts an odd Host header into a link', () => {
    for (const host of ['evil.example/path', 'a b', 'x"y', 'user@host', '', 'host:99999999', '-bad-.example'])
      expect(requestOrigin(h(host ? { host } : {}))).toBe('http://localhost:3000');
    // Only "https" switches the scheme; anything else is plain HTTP, what `next start` speaks.
    settings.TRUSTED_PROXIES = '10.0.0.1';
    expect(requestOrigin(h({ host: 'a.example', 'x-forwarded-proto': 'javascript' }))).toBe(
      'http://a.example',
    );
  });
});
