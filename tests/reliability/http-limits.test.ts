/**
 * The production HTTP server's limits (issue 13, item 9): slowloris connections and stalled uploads are dropped
 * in seconds, and an oversized body is refused with 413 as it streams, never read in full. The server
 * (scripts/server.mjs) runs in a child process around a handler that reads every body it is given.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (run by node directly in production)
import { limitsFromEnv } from '../../scripts/server.mjs';
import { runCleanups, start, tmpDir, type Run } from './startup-run';

afterEach(runCleanups);

const MAX_KB = 64;

async function serve(env: Record<string, string> = {}): Promise<{ port: number; run: Run }> {
  const run = start(`${tmpDir()}/unused.db`, {
    script: `${import.meta.dirname}/http-limits-child.mjs`,
    marker: 'LISTENING',
    env: { MAX_REQUEST_BODY_KB: String(MAX_KB), ...env },
  });
  await run.started;
  const port = Number(/LISTENING (\d+)/.exec(run.stdout())![1]);
  return { port, run };
}

/** Opens a raw connection, sends `first`, then one byte every 200 ms; resolves with what the server said and when it closed. */
function dribble(port: number, first: string, next: string): Promise<{ ms: number; reply: string }> {
  return new Promise((resolve) => {
    const began = Date.now();
    let reply = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(first));
    const timer = setInterval(() => socket.writable && socket.write(next), 200);
    socket.setEncoding('utf8').on('data', (c: string) => (reply += c));
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: Date.now() - began, reply });
    });
    socket.on('error', () => {});
  });
}

describe('the production server drops slow clients in seconds', () => {
  it('defaults: 10 s for the headers, 30 s for the whole request, 1 MiB bodies', () => {
    expect(limitsFromEnv({})).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      maxBodyBytes: 1_048_576,
    });
    expect(() => limitsFromEnv({ HTTP_KEEP_ALIVE_TIMEOUT_S: '0' })).toThrow(
      /HTTP_KEEP_ALIVE_TIMEOUT_S must be at least 1 second/,
    );
    expect(() => limitsFromEnv({ HTTP_HEADERS_TIMEOUT_S: '60', HTTP_REQUEST_TIMEOUT_S: '30' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_S must not be longer than HTTP_REQUEST_TIMEOUT_S/,
    );
    expect(() => limitsFromEnv({ MAX_REQUEST_BODY_KB: 'lots' })).toThrow(/MAX_REQUEST_BODY_KB must be a number of KiB/);
  });

  it('a client sending its headers byte by byte (slowloris) is answered 408 and closed at the headers timeout', async () => {
    const { port } = await serve({ HTTP_HEADERS_TIMEOUT_S: '1', HTTP_REQUEST_TIMEOUT_S: '2' });
    const { ms, reply } = await dribble(port, 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 'a');
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    // 1 s timeout, checked every second: closed within 3 s, far from Node's 60 s default.
    expect(ms).toBeLessThan(3000);
  });

  it('an idle keep-alive connection is kept for HTTP_KEEP_ALIVE_TIMEOUT_S, not Node’s 5 s, then closed', async () => {
    const { port } = await serve({ HTTP_KEEP_ALIVE_TIMEOUT_S: '2' });
    const { answeredAt, closedAt, reply } = await new Promise<{ answeredAt: number; closedAt: number; reply: string }>(
      (resolve) => {
        let reply = '';
        let answeredAt = 0;
        const socket = net.connect(port, '127.0.0.1', () =>
          socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n'),
        );
        socket.setEncoding('utf8').on('data', (c: string) => {
          reply += c;
          if (!answeredAt && reply.includes('{"bytes":0}')) answeredAt = Date.now();
        });
        socket.on('close', () => resolve({ answeredAt, closedAt: Date.now(), reply }));
        socket.on('error', () => {});
      },
    );
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    const idleMs = closedAt - answeredAt;
    // Closed by the server after about 2 s of idleness: not at once, and not at Node's 5 s default.
    expect(idleMs).toBeGreaterThan(1500);
    expect(idleMs).toBeLessThan(4500);
  });

  it('a stalled upload is answered 408 and closed at the request timeout', async () => {
    const { port, run } = await serve({ HTTP_HEADERS_TIMEOUT_S: '1', HTTP_REQUEST_TIMEOUT_S: '2' });
    const head = 'POST /api/v1/patients HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{';
    const { ms, reply } = await dribble(port, head, ' ');
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(4000);
    expect(run.stdout()).toContain('HANDLER POST /api/v1/patients');
  });
});

describe('an oversized body is refused as it streams', () => {
  it('a Content-Length above the limit: 413 before any of the body is read, the handler never called', async () => {
    const { port, run } = await serve();
    const response = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: 'x'.repeat(MAX_KB * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/larger than the server accepts \(64 KiB\)/);
    expect(run.stdout()).not.toContain('HANDLER');
  });

  it('a 100 MB chunked upload: 413 once it passes the limit, and the connection is closed long before 100 MB is sent', async () => {
    const { port, run } = await serve();
    const total = 100 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const outcome = await new Promise<{ status?: number; sent: number }>((resolve) => {
      let sent = 0;
      let status: number | undefined;
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/patients', headers: { 'Content-Type': 'application/json' } });
      // As curl does: an answer before the upload ends stops the upload.
      request.on('response', (response) => {
        status = response.statusCode;
        response.resume();
        request.destroy();
      });
      const finish = () => resolve({ status, sent });
      request.on('close', finish);
      request.on('error', finish);
      const pump = () => {
        while (sent < total && !request.destroyed) {
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        if (!request.destroyed) request.end();
      };
      pump();
    });
    expect(outcome.status).toBe(413);
    // The upload was cut off: the 413 came, and the connection closed, before the client had sent it all. (How
    // much the client had handed to its socket by then depends on both kernels' socket buffers, which auto-tune
    // on loopback to tens of MiB: 11 and 34 MiB were seen in CI, so no tighter bound holds on every machine.
    // A server that read the body in full before answering would let the client send all 100 MB.)
    expect(outcome.sent).toBeLessThan(total);
    expect(run.stdout()).not.toContain('HANDLER');
  });

  it('a chunked body within the limit reaches the handler whole', async () => {
    const { port } = await serve();
    const body = Buffer.alloc(MAX_KB * 1024 - 10, 0x62);
    const got = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/patients' }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (c: string) => (text += c));
        response.on('end', () => resolve({ status: response.statusCode, text }));
      });
      request.on('error', reject);
      // Several writes without a length: sent chunked.
      for (let i = 0; i < body.length; i += 4096) request.write(body.subarray(i, i + 4096));
      request.end();
    });
    expect(got.status).toBe(200);
    expect(JSON.parse(got.text)).toEqual({ bytes: body.length });
  });
});
