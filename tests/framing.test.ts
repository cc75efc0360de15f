/**
 * scripts/server.mjs `withFraming`: the length and encoding a feed route names in its private headers become the
 * real Content-Length and Content-Encoding (Next.js drops both from a route handler's Response), and a response
 * without them is framed as before (chunked).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (run by node directly in production)
import { withFraming } from '../scripts/server.mjs';

let server: http.Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<number> {
  server = http.createServer((req, res) => {
    (withFraming as (req: http.IncomingMessage, res: http.ServerResponse) => void)(req, res);
    handler(req, res);
  });
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)));
}

function get(port: number, headers: Record<string, string> = {}): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('withFraming', () => {
  it('turns the private length and encoding into Content-Length and Content-Encoding, written in chunks as Next.js does', async () => {
    const body = Buffer.from('x'.repeat(5000));
    let seen: string | undefined;
    const port = await serve((req, res) => {
      seen = req.headers['x-pump-server-framing'] as string | undefined;
      res.setHeader('x-pump-framing-content-length', String(body.length));
      res.setHeader('x-pump-framing-content-encoding', 'identity-test');
      res.write(body.subarray(0, 1000));
      res.end(body.subarray(1000));
    });
    const r = await get(port, { 'x-pump-server-framing': 'client-sent' });
    expect(seen).toBe('1');
    expect(r.headers['content-length']).toBe('5000');
    expect(r.headers['content-encoding']).toBe('identity-test');
    expect(r.headers['transfer-encoding']).toBeUndefined();
    expect(r.headers['x-pump-framing-content-length']).toBeUndefined();
    expect(r.headers['x-pump-framing-content-encoding']).toBeUndefined();
    expect(r.body.equals(body)).toBe(true);
  });

  it('leaves any other response alone', async () => {
    const port = await serve((_req, res) => {
      res.write('a');
      res.end('b');
    });
    const r = await get(port);
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.body.toString()).toBe('ab');
  });
});
