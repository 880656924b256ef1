import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProbeTarget } from '../../lib/canary/goal-contract';
import { PROBE_USER_AGENT, probe } from '../../lib/canary/probe';

/** A local HTTP server standing in for a service: the probe logic is the same over TLS. */
let server: http.Server;
let port: number;
const seen: http.IncomingHttpHeaders[] = [];
const answers: Record<string, (res: http.ServerResponse) => void> = {
  '/': (res) => res.end('storefront'),
  '/moved': (res) => res.writeHead(302, { location: '/' }).end(),
  '/broken': (res) => res.writeHead(503).end('down'),
  '/slow': (res) => setTimeout(() => res.end('late'), 500),
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    (answers[req.url ?? ''] ?? ((r: http.ServerResponse) => r.writeHead(404).end()))(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const target = (path: string): ProbeTarget => ({
  service: 'shop',
  host: '127.0.0.1',
  serverName: 'shop.shop.example.com',
  path,
});
const run = (path: string, timeoutMs = 2_000) => probe(target(path), { timeoutMs, request: http.request, port });

describe('probe', () => {
  test.each([
    ['/', 200],
    ['/moved', 302],
  ])('%s answered %i counts as available, with its latency', async (path, status) => {
    // WHEN
    const result = await run(path);
    // THEN
    expect(result).toEqual({ service: 'shop', ok: true, status, latencyMs: expect.any(Number) });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  test('a 5xx answer is a failure that names the status', async () => {
    expect(await run('/broken')).toEqual({
      service: 'shop',
      ok: false,
      status: 503,
      error: 'HTTP 503',
      latencyMs: expect.any(Number),
    });
  });

  test('an answer slower than the timeout is a failure, reported at the timeout', async () => {
    // WHEN the service answers after 500 ms and the probe waits 100
    const result = await run('/slow', 100);
    // THEN
    expect(result).toMatchObject({ ok: false, error: 'no complete answer within 100 ms' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(100);
    expect(result.latencyMs).toBeLessThan(500);
  });

  test('a refused connection is a failure, never a thrown error', async () => {
    const result = await probe(target('/'), { timeoutMs: 2_000, request: http.request, port: 1 });
    expect(result).toMatchObject({ service: 'shop', ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });

  test("sends the service's public name as Host, says it is synthetic, and carries no cookie or credential", async () => {
    // GIVEN
    seen.length = 0;
    // WHEN
    await run('/');
    // THEN
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ host: 'shop.shop.example.com', 'user-agent': PROBE_USER_AGENT });
    expect(Object.keys(seen[0]).sort()).toEqual(['accept', 'connection', 'host', 'user-agent']);
  });

  test('measures with the clock it is given, from before the request to the last byte', async () => {
    // GIVEN a clock that advances 40 ms per reading
    let t = 1_000;
    const now = () => {
      t += 40;
      return t;
    };
    // WHEN
    const result = await probe(target('/'), { timeoutMs: 2_000, request: http.request, port, now });
    // THEN: two readings, start and end
    expect(result.latencyMs).toBe(40);
  });
});
