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
