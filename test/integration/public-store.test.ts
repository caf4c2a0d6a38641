/** The anonymous HTTP reader against a real local HTTP server: keys encoded, 403/404 as none, retries, stalls. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { publicStoreReader } from '../../src/adapters/http/public-store.ts';
import { ReadError } from '../../src/read/reader.ts';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ base: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  onTestFinished(() => new Promise<void>((done) => server.close(() => done())).then(() => undefined));
  onTestFinished(() => server.closeAllConnections());
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/pre`, paths };
}

describe('publicStoreReader', () => {
  it('GETs keys under the base, percent-encoding each segment; 404 and 403 are "none"', async () => {
    const { base, paths } = await serve((req, res) => {
      if (req.url === '/bucket/pre/datasets/a/b/data/x%20y%23.csv') res.writeHead(200).end('hello');
      else if (req.url?.endsWith('forbidden')) res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
      else res.writeHead(404).end();
    });
    const reader = publicStoreReader(`${base}/`);
    expect(Buffer.from((await reader.get('datasets/a/b/data/x y#.csv'))!).toString()).toBe('hello');
    expect(await reader.get('datasets/a/b/missing')).toBeNull();
    expect(await reader.stream('datasets/a/b/forbidden')).toBeNull();
    expect(paths[0]).toBe('/bucket/pre/datasets/a/b/data/x%20y%23.csv');
    expect(reader.url('datasets/a/b/c.json')).toBe(`${base}/datasets/a/b/c.json`);
  });

  it('retries a 503, then reads; a 400 is an error naming the URL at once', async () => {
    let calls = 0;
    const { base } = await serve((req, res) => {
      if (req.url?.endsWith('flaky')) {
        if (++calls < 3) res.writeHead(503).end();
        else res.writeHead(200).end('ok');
      } else res.writeHead(400).end();
    });
    const reader = publicStoreReader(base);
    expect(Buffer.from((await reader.get('flaky'))!).toString()).toBe('ok');
    expect(calls).toBe(3);
    await expect(reader.get('bad')).rejects.toThrow(new RegExp(`GET ${base}/bad failed: HTTP 400`));
  });

  it('a body that stalls longer than the idle timeout fails with a ReadError instead of hanging', async () => {
    const { base } = await serve((_, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('first bytes');
    });
    const reader = publicStoreReader(base, { idleTimeout: 300 });
    const body = (await reader.stream('slow'))!;
    const read = async () => {
      for await (const chunk of body) void chunk;
    };
    const error = await read().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReadError);
    expect((error as ReadError).message).toMatch(/no data for 0.3 s/);
  });

  it('refuses a base that is not a plain http(s) URL', () => {
    for (const bad of ['ftp://x/y', 'not a url', 'https://user:pw@x/y', 'https://x/y?q=1'])
      expect(() => publicStoreReader(bad)).toThrow(/--url must be an http\(s\) URL/);
  });
});
