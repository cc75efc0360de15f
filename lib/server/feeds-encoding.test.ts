import { describe, expect, it, vi } from 'vitest';

vi.mock('server-only', () => ({}));
const { acceptsGzip, gzipEtag } = await import('./feeds');

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['GZIP', true],
    ['gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['*;q=0', false],
    ['gzip;q=0, *', false],
    ['deflate, br', false],
    ['identity', false],
    ['', false],
    ['gzip;q=nonsense', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });

  it('treats a missing header as no', () => {
    expect(acceptsGzip(null)).toBe(false);
  });
});

it('gives the gzip representation a distinct strong ETag', () => {
  expect(gzipEtag('"abc"')).toBe('"abc-gzip"');
});
