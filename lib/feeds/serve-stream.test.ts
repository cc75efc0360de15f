import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';

vi.mock('server-only', () => ({}));
const { chunksOf } = await import('./serve');

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('chunksOf', () => {
  it('streams the exact bytes in views of at most 256 KiB into the same memory, not copies', async () => {
    const body = Buffer.alloc(600 * 1024 + 7);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) % 251;
    const chunks = await collect(chunksOf(body));
    expect(chunks.map((c) => c.length)).toEqual([256 * 1024, 256 * 1024, 88 * 1024 + 7]);
    expect(chunks.every((c) => c.buffer === body.buffer)).toBe(true);
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });

  it('handles an empty body and a small pooled buffer (non-zero offset)', async () => {
    expect(await collect(chunksOf(Buffer.alloc(0)))).toEqual([]);
    const small = Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', 'utf8');
    expect(Buffer.concat(await collect(chunksOf(small))).toString('utf8')).toBe(
      'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
    );
  });
});

const { acceptsGzip, ifNoneMatchMatches, render } = await import('./serve');

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['x-gzip', true],
    ['*', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['gzip;q=0, *', false],
    ['*;q=0', false],
    ['deflate, br', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
  it('is false without the header', () => expect(acceptsGzip(null)).toBe(false));
});

describe('render', () => {
  it('gives the plain and gzip bodies different strong ETags, each stable for the same text', () => {
    const text = 'BEGIN:VCALENDAR\r\n' + 'X-FILL:0123456789\r\n'.repeat(200) + 'END:VCALENDAR\r\n';
    const a = render(text, 0);
    const b = render(text, 0);
    expect(a.plain.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(a.gzip().etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(a.gzip().etag).not.toBe(a.plain.etag);
    expect(b.plain.etag).toBe(a.plain.etag);
    expect(b.gzip().etag).toBe(a.gzip().etag);
    expect(a.gzip()).toBe(a.gzip()); // made once
    expect(gunzipSync(a.gzip().body).toString('utf8')).toBe(text);
    expect(a.gzip().body.length).toBeLessThan(a.plain.body.length);
  });

  it('revalidates only against the representation being selected', () => {
    const feed = render('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', 0);
    expect(ifNoneMatchMatches(feed.plain.etag, feed.plain.etag)).toBe(true);
    expect(ifNoneMatchMatches(`W/${feed.gzip().etag}`, feed.gzip().etag)).toBe(true);
    expect(ifNoneMatchMatches(feed.plain.etag, feed.gzip().etag)).toBe(false);
  });
});
