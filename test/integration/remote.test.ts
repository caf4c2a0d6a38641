/** Remote resources: skipped with a warning unless allowed; fetched from a real HTTP server on loopback when allowed (loopback needs allowPrivate: see hostile.test.ts). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { flatten, validateDir } from '../support/report.ts';
import { testdir } from '../support/tmp.ts';

async function serve(files: Record<string, string>): Promise<string> {
  const server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/csv' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const pkg = (url: string) => ({
  name: 'remote',
  resources: [{ name: 'data', path: url, schema: { fields: [{ name: 'id', type: 'integer' }] } }],
});

describe('remote resources', () => {
  it('are not fetched by default: a warning says the rows were not checked', async () => {
    const base = await serve({ '/data.csv': 'id\n1\nx\n' });
    const r = await validateDir(await testdir({ 'datapackage.json': pkg(`${base}/data.csv`) }));
    expect(r.errors).toEqual([]);
    expect(flatten(r.warnings, ['code', 'pointer'])).toEqual([['scheme-error', '/resources/0/path']]);
    expect(r.stats.rows).toBe(0);
  });

  it('are fetched and validated when allowed', async () => {
    const base = await serve({ '/data.csv': 'id\n1\nx\n' });
    const r = await validateDir(
      await testdir({ 'datapackage.json': pkg(`${base}/data.csv`) }),
      { allowRemote: true },
      { remote: { allowPrivate: true } },
    );
    expect(flatten(r.errors, ['code', 'rowNumber', 'cell'])).toEqual([['type-error', 3, 'x']]);
    expect(r.stats.rows).toBe(2);
  });

  it('an HTTP error is a source-error naming the URL', async () => {
    const base = await serve({});
    const r = await validateDir(
      await testdir({ 'datapackage.json': pkg(`${base}/gone.csv`) }),
      { allowRemote: true },
      { remote: { allowPrivate: true } },
    );
    expect(flatten(r.errors, ['code'])).toEqual([['source-error']]);
    expect(r.errors[0]?.message).toContain('HTTP 404');
  });
});
