/**
 * The App's connection bounds over real TCP sockets (node:net) against the real App server
 * (app/index.ts as `serve` builds it): a client dripping its headers or its body is answered 408
 * and cut off; a connection over HTTP_MAX_CONNECTIONS is closed at once; signed deliveries still
 * go through. The bounds come from the environment (readAppConfig), as `serve` reads them.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppConfigError, DEFAULT_HTTP_LIMITS, readAppConfig } from '../../src/config/app.ts';
import { startAppWorld, type AppWorld } from '../support/webhook.ts';

const hostPort = (w: AppWorld): { host: string; port: number } => {
  const u = new URL(w.hook);
  return { host: u.hostname, port: Number(u.port) };
};

/** Connect, send `first`, then one byte of `drip` every 100 ms until the server closes the connection: what it answered, and the bytes dripped. */
function drip(w: AppWorld, first: string, byte: string): Promise<{ answer: string; dripped: number }> {
  return new Promise((resolve, reject) => {
    const { host, port } = hostPort(w);
    const socket = connect(port, host);
    let answer = '';
    let dripped = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(first);
      timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) {
          socket.write(byte);
          dripped++;
        }
      }, 100);
    });
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, dripped });
    });
  });
}

/** An open connection that has sent nothing, once the server accepted it (or closed it: then `closed` resolves first). */
function idle(w: AppWorld): Promise<{ socket: Socket; closed: Promise<string> }> {
  const { host, port } = hostPort(w);
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    const closed = new Promise<string>((done) => socket.on('close', () => done(data)));
    socket.on('error', () => undefined);
    socket.on('connect', () => resolve({ socket, closed }));
    socket.on('error', reject);
  });
}

const env = { APP_ID: '1', PRIVATE_KEY: '', WEBHOOK_SECRET: 'x' };

describe('the App bounds every connection', () => {
  it('reads the bounds from the environment, with documented defaults and one sentence for a bad value', async () => {
    const { privateKey } = (await startAppWorld()).config;
    const base = { ...env, PRIVATE_KEY: privateKey };
    expect(readAppConfig(base).http).toEqual(DEFAULT_HTTP_LIMITS);
    expect(DEFAULT_HTTP_LIMITS).toEqual({
      headersTimeoutMs: 5000,
      requestTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 256,
    });
    expect(
      readAppConfig({
        ...base,
        HTTP_HEADERS_TIMEOUT: '1.5',
        HTTP_REQUEST_TIMEOUT: '3',
        HTTP_KEEP_ALIVE_TIMEOUT: '2',
        HTTP_MAX_CONNECTIONS: '10',
      }).http,
    ).toEqual({
      headersTimeoutMs: 1500,
      requestTimeoutMs: 3000,
      keepAliveTimeoutMs: 2000,
      maxConnections: 10,
    });
    // A longer header timeout lifts the default request timeout with it.
    expect(readAppConfig({ ...base, HTTP_HEADERS_TIMEOUT: '20' }).http.requestTimeoutMs).toBe(20_000);
    for (const [name, value] of [
      ['HTTP_HEADERS_TIMEOUT', '0'],
      ['HTTP_REQUEST_TIMEOUT', 'soon'],
      ['HTTP_KEEP_ALIVE_TIMEOUT', '301'],
      ['HTTP_MAX_CONNECTIONS', '0'],
    ] as const) {
      expect(() => readAppConfig({ ...base, [name]: value })).toThrow(AppConfigError);
      expect(() => readAppConfig({ ...base, [name]: value })).toThrow(new RegExp(`^${name} must be`));
    }
    expect(() => readAppConfig({ ...base, HTTP_HEADERS_TIMEOUT: '5', HTTP_REQUEST_TIMEOUT: '2' })).toThrow(
      /HTTP_REQUEST_TIMEOUT must be at least HTTP_HEADERS_TIMEOUT/,
    );
  });

  it('a client dripping its headers, or its body, gets 408 and is cut off; a signed delivery still goes through', async () => {
    const w = await startAppWorld({
      config: { http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000, maxConnections: 16 } },
    });
    const id = w.addDataset('os-data', 'budget');
    const [headers, body, delivery] = await Promise.all([
      // One header byte every 100 ms, forever: the headers never end.
      drip(w, 'POST /api/github/webhooks HTTP/1.1\r\nHost: app\r\nX-Drip: ', 'a'),
      // Headers at once, then a body of 100,000 bytes one byte every 100 ms.
      drip(
        w,
        'POST /api/github/webhooks HTTP/1.1\r\nHost: app\r\nContent-Type: application/json\r\nX-GitHub-Event: push\r\nX-GitHub-Delivery: d\r\nContent-Length: 100000\r\n\r\n',
        '{',
      ),
      w.push(id),
    ]);
    for (const r of [headers, body]) {
      expect(r.answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(r.dripped).toBeGreaterThan(0);
    }
    expect(body.dripped).toBeLessThan(100_000); // cut off long before the body could end
    expect(delivery.status).toBe(202);
    await w.settle();
    expect(w.catalog()).toEqual(['https://github.com/os-data/budget,budget,os-data']);
  });

  it('a connection over the limit is closed at once; freed, the slot serves a signed delivery', async () => {
    const w = await startAppWorld({
      config: { http: { ...DEFAULT_HTTP_LIMITS, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxConnections: 3 } },
    });
    const id = w.addDataset('os-data', 'budget');
    const held = [await idle(w), await idle(w), await idle(w)];
    const over = await idle(w);
    expect(await over.closed).toBe(''); // closed by the server, nothing answered
    for (const h of held) expect(h.socket.destroyed).toBe(false);

    const first = held.shift()!;
    first.socket.destroy();
    await first.closed;
    // The server counts the freed slot once it has seen the close; then a delivery is served.
    let answer = await w.push(id).catch((e: unknown) => e);
    for (let i = 0; i < 20 && answer instanceof Error; i++) answer = await w.push(id).catch((e: unknown) => e);
    expect(answer).toMatchObject({ status: 202 });
    await w.settle();
    expect(w.catalog()).toEqual(['https://github.com/os-data/budget,budget,os-data']);
    for (const h of held) h.socket.destroy();
    expect(w.logs.some((l) => l['msg'] === 'connection refused: too many open')).toBe(true);
  });
});
