/**
 * A fake of the old openspending.org API (MIGRATION.md, "An old-API fake"): a real Node HTTP
 * server on loopback answering the routes `migrate export` reads, with the faults the old site
 * had — 500s (n times per path), dead source URLs (404, a closed port), HTML instead of CSV,
 * private datasets answering 403 without a manager's key — and a request counter per path.
 * Query parameters `__` and `callback` are ignored, as the site did.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = Record<string, unknown>;

export interface FakeSource {
  id: number;
  /** file: served under /_files/; 404; html: a 200 text/html page; closed: a port nobody listens on. */
  kind: 'file' | '404' | 'html' | 'closed';
  content?: string | Buffer;
  analysis?: Obj;
  createdAt?: string;
}

export interface FakeDataset {
  record: Obj;
  /** The model.json body (without `dataset`, added from the record). */
  mapping?: Obj;
  views?: unknown[];
  private?: boolean;
  managers?: Array<{ login: string; name: string }>;
  sources?: FakeSource[];
  /** The /api/2/search CSV (sorted dotted headers). */
  search?: string;
  numEntries?: number;
  updatedAt?: string;
}

export interface OldApi {
  url: string;
  /** Requests per path (without the query string, except for /api/2/...). */
  counts: Map<string, number>;
  /** path → how many more times it answers 500. */
  failures: Map<string, number>;
  close(): Promise<void>;
}

export async function startOldApi(datasets: Record<string, FakeDataset>, options: { managerKey?: string } = {}): Promise<OldApi> {
  const counts = new Map<string, number>();
  const failures = new Map<string, number>();
  const key = options.managerKey ?? 'manager-key';
  // A port nobody listens on, for dead source URLs.
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  let base = '';
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body, null, 2));
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const u = new URL(req.url ?? '/', base);
    u.searchParams.delete('__');
    u.searchParams.delete('callback');
    const path = u.pathname.startsWith('/api/2/') ? `${u.pathname}?${u.searchParams.toString()}`.replace(/&?pagesize=\d+/, '') : u.pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const fail = failures.get(path) ?? 0;
    if (fail > 0) {
      failures.set(path, fail - 1);
      json(res, 500, { error: 'Internal Server Error' });
      return;
    }
    const authorized = req.headers.authorization === `ApiKey ${key}`;
    const visible = (d: FakeDataset): boolean => !d.private || authorized;
    const seg = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (u.pathname === '/datasets.json') {
      const list = Object.entries(datasets)
        .filter(([, d]) => !d.private)
        .sort((a, b) => (b[1].updatedAt ?? '').localeCompare(a[1].updatedAt ?? ''))
        .map(([, d]) => d.record);
      json(res, 200, { datasets: list, languages: [], territories: [], categories: [] });
      return;
    }
    if (seg[0] === '_files' && seg.length === 3) {
      const d = datasets[seg[1]!];
      const s = d?.sources?.find((x) => `${x.id}.csv` === seg[2]);
      if (!s || s.kind !== 'file') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv' }).end(s.content ?? '');
      return;
    }
    if (seg[0] === '_html') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!DOCTYPE html><html><body><h1>This site is offline</h1></body></html>');
      return;
    }
    if (seg[0] === 'api' && seg[1] === '2') {
      const name = u.searchParams.get('dataset') ?? '';
      const d = datasets[name];
      if (!d) return json(res, 404, { error: 'no such dataset' });
      if (!visible(d)) return json(res, 403, { error: 'forbidden' });
      if (seg[2] === 'aggregate') return json(res, 200, { summary: { amount: 0, num_entries: d.numEntries ?? 0 }, drilldown: [] });
      if (seg[2] === 'permissions') return json(res, 200, { create: false, read: true, update: authorized, delete: authorized });
      if (seg[2] === 'search' && u.searchParams.get('format') === 'csv') {
        res.writeHead(200, { 'content-type': 'text/csv' }).end(d.search ?? '');
        return;
      }
      return json(res, 400, { error: 'bad request' });
    }
    const first = seg[0] ?? '';
    const name = first.endsWith('.json') && seg.length === 1 ? first.slice(0, -5) : first;
    const d = datasets[name];
    if (!d) return json(res, 404, { error: 'not found' });
    if (!visible(d)) return json(res, 403, { error: 'forbidden' });
    if (seg.length === 1) return json(res, 200, d.record);
    const rest = seg.slice(1).join('/');
    if (rest === 'model.json')
      return json(res, 200, {
        dataset: d.record,
        ...(d.mapping !== undefined ? { mapping: d.mapping } : {}),
        ...(d.views ? { views: d.views } : {}),
      });
    if (rest === 'views.json') return json(res, 200, d.views ?? []);
    if (rest === 'sources.json')
      return json(
        res,
        200,
        (d.sources ?? []).map((s) => ({
          id: s.id,
          url: `http://upstream.example/${s.id}.csv`,
          dataset: name,
          created_at: s.createdAt ?? '2013-04-12T14:03:27.814686',
        })),
      );
    if (rest === 'meta') {
      const team = (d.managers ?? [])
        .map((m) => `<li><a href="/account/${encodeURIComponent(m.login)}">${m.name.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</a></li>`)
        .join('');
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html><body><h3>Sources</h3><ul></ul><h3>Team</h3><ul>${team}</ul></body></html>`);
      return;
    }
    const m = /^sources\/(\d+)(\/analysis\.json)?$/.exec(rest);
    const s = m ? d.sources?.find((x) => String(x.id) === m[1]) : undefined;
    if (m && s) {
      if (m[2]) return json(res, 200, s.analysis ?? { columns: [], mapping: {} });
      const target =
        s.kind === 'file'
          ? `${base}/_files/${name}/${s.id}.csv`
          : s.kind === '404'
            ? `${base}/_files/${name}/gone-${s.id}.csv`
            : s.kind === 'html'
              ? `${base}/_html/${s.id}`
              : `http://127.0.0.1:${closedPort}/${s.id}.csv`;
      res.writeHead(302, { location: target }).end();
      return;
    }
    json(res, 404, { error: 'not found' });
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    counts,
    failures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
