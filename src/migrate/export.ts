/**
 * `migrate export`: an `os-legacy-dump/1` dump (MIGRATION.md) from a server speaking the old
 * openspending.org API: the datasets list, each dataset's record, model, sources (with their
 * files, followed through the site's 302), analyses, views, team (from the meta page) and entry
 * count, and the cube export (`/api/2/search`) when no source could be downloaded.
 *
 * Resumable and never fetching twice: each dataset is built in `datasets/<name>.partial/`, every
 * answer saved there as it arrives (a source to `.tmp`, then renamed) and reused by the next run;
 * the folder is renamed to `datasets/<name>/` once complete. A finished dataset is not fetched
 * again unless `refresh`. Every failed request is recorded (log.ndjson, record.json problems,
 * the source's download status); nothing is dropped.
 */

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { appendFile, lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { isObject } from '../package/descriptor.ts';
import { UserError } from '../errors.ts';

type Obj = Record<string, unknown>;

export interface ExportOptions {
  from: string;
  out: string;
  apiKey?: string;
  datasets?: string[];
  refresh?: boolean;
  /** Tries per request on 5xx and network errors (default 4), backoff base in ms (default 500). */
  tries?: number;
  backoffMs?: number;
  /** Per request, ms without an answer (default 60 s). */
  timeoutMs?: number;
  onDataset?(name: string, status: string): void;
}

export interface ExportedDataset {
  name: string;
  status: 'complete' | 'partial' | 'failed' | 'kept' | 'private-skipped';
  private: boolean;
  problems: Array<{ code: string; detail: string; source?: string }>;
}

export interface ExportReport {
  format: 'os-legacy-dump/1';
  out: string;
  datasets: ExportedDataset[];
  counts: Record<string, number>;
}

const exists = (p: string): Promise<boolean> =>
  lstat(p).then(
    () => true,
    () => false,
  );

/** The old site answered what an export cannot use (not an old OpenSpending site, 5xx after every try): exit 2. */
class HttpFailure extends UserError {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super('old-api-failed', message);
  }
}

export async function exportDump(options: ExportOptions): Promise<ExportReport> {
  const base = options.from.replace(/\/+$/, '');
  const tries = options.tries ?? 4;
  const backoff = options.backoffMs ?? 500;
  const timeout = options.timeoutMs ?? 60_000;
  await mkdir(join(options.out, 'datasets'), { recursive: true });
  const logFile = join(options.out, 'log.ndjson');
  const log = async (entry: Obj): Promise<void> => appendFile(logFile, JSON.stringify({ t: new Date().toISOString(), ...entry }) + '\n');
  const headers = (): Record<string, string> => ({
    accept: 'application/json, text/csv;q=0.9, */*;q=0.1',
    ...(options.apiKey ? { authorization: `ApiKey ${options.apiKey}` } : {}),
  });

  /** One request with retries on 5xx and network errors; 4xx is an answer. */
  const request = async (path: string, dataset: string | null, anonymous = false): Promise<Response> => {
    const url = path.startsWith('http') ? path : `${base}${path}`;
    let last: unknown;
    for (let i = 0; i < tries; i++) {
      try {
        const res = await fetch(url, {
          headers: anonymous ? { accept: '*/*' } : headers(),
          redirect: 'follow',
          signal: AbortSignal.timeout(timeout),
        });
        await log({ dataset, url, httpStatus: res.status, error: null });
        if (res.status >= 500 && i < tries - 1) {
          await res.body?.cancel();
          await sleep(backoff * 2 ** i);
          continue;
        }
        return res;
      } catch (e) {
        // fetch says "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, a timeout).
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        last = new Error(`${(e as Error).message}${cause ? ` (${cause.code ?? cause.message ?? ''})` : ''}`);
        await log({ dataset, url, httpStatus: null, error: (last as Error).message });
        if (i < tries - 1) await sleep(backoff * 2 ** i);
      }
    }
    throw new HttpFailure(null, `${url}: ${(last as Error)?.message ?? 'no answer'}`);
  };
  const getJson = async (path: string, dataset: string | null): Promise<{ status: number; value: unknown }> => {
    const res = await request(path, dataset);
    if (!res.ok) {
      await res.body?.cancel();
      return { status: res.status, value: undefined };
    }
    const text = await res.text();
    try {
      return { status: res.status, value: JSON.parse(text) };
    } catch {
      throw new HttpFailure(res.status, `${path}: the answer is not JSON`);
    }
  };

  const startedAt = new Date().toISOString();
  const list = await getJson('/datasets.json', null);
  if (list.status !== 200 || !isObject(list.value) || !Array.isArray(list.value.datasets))
    throw new HttpFailure(list.status, `${base}/datasets.json answered ${list.status}: is ${base} an old openspending.org site?`);
  const publicNames = new Set(list.value.datasets.filter(isObject).map((d) => String(d.name)));
  const names = options.datasets?.length ? options.datasets : [...publicNames].sort();
  const results: ExportedDataset[] = [];
  for (const name of names) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      results.push({ name, status: 'failed', private: false, problems: [{ code: 'bad-name', detail: `"${name}" is not a dataset name` }] });
      continue;
    }
    const done = join(options.out, 'datasets', name);
    if ((await exists(join(done, 'record.json'))) && !options.refresh) {
      results.push({ name, status: 'kept', private: false, problems: [] });
      options.onDataset?.(name, 'kept');
      continue;
    }
    const r = await exportOne(name, publicNames.has(name));
    results.push(r);
    options.onDataset?.(name, r.status);
  }
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  // Earlier runs' entries (other datasets, or the ones kept) stay: the dump lists everything it holds.
  let previous: Obj[] = [];
  try {
    const old: unknown = JSON.parse(await readFile(join(options.out, 'dump.json'), 'utf8'));
    if (isObject(old) && Array.isArray(old.datasets)) previous = old.datasets.filter(isObject);
  } catch {
    /* a first run */
  }
  const entries = new Map<string, Obj>(previous.map((e) => [String(e.name), e]));
  for (const r of results)
    if (r.status !== 'kept' || !entries.has(r.name)) entries.set(r.name, { name: r.name, status: r.status, private: r.private });
  const dumpJson = {
    format: 'os-legacy-dump/1',
    origin: { kind: 'api', baseUrl: base, authenticated: Boolean(options.apiKey) },
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { includePrivate: Boolean(options.apiKey), entries: 'fallback' },
    datasets: [...entries.values()].sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1)),
    counts,
  };
  await writeFile(join(options.out, 'dump.json.tmp'), JSON.stringify(dumpJson, null, 2) + '\n');
  await rename(join(options.out, 'dump.json.tmp'), join(options.out, 'dump.json'));
  return { format: 'os-legacy-dump/1', out: options.out, datasets: results, counts };

  async function exportOne(name: string, listed: boolean): Promise<ExportedDataset> {
    const dir = join(options.out, 'datasets', `${name}.partial`);
    const final = join(options.out, 'datasets', name);
    await mkdir(join(dir, 'sources'), { recursive: true });
    const problems: ExportedDataset['problems'] = [];
    /** A JSON answer saved in the partial folder, reused by a resumed run. */
    const cached = async (file: string, path: string): Promise<{ status: number; value: unknown }> => {
      const at = join(dir, '.cache', file);
      if (await exists(at)) return JSON.parse(await readFile(at, 'utf8'));
      const got = await getJson(path, name);
      if (got.status >= 500) throw new HttpFailure(got.status, `${path} answered ${got.status} after ${tries} tries`);
      {
        await mkdir(join(dir, '.cache'), { recursive: true });
        await writeFile(`${at}.tmp`, JSON.stringify(got));
        await rename(`${at}.tmp`, at);
      }
      return got;
    };
    try {
      const rec = await cached('record.json', `/${encodeURIComponent(name)}.json`);
      if (rec.status === 403) {
        await rm(dir, { recursive: true, force: true });
        return {
          name,
          status: 'private-skipped',
          private: true,
          problems: [
            {
              code: 'private',
              detail: options.apiKey
                ? 'the API key does not manage this private dataset (403)'
                : 'private (403 without an API key): give --api-key of a manager to export it',
            },
          ],
        };
      }
      if (rec.status !== 200 || !isObject(rec.value)) {
        await rm(dir, { recursive: true, force: true });
        return {
          name,
          status: 'failed',
          private: false,
          problems: [{ code: rec.status === 404 ? 'not-found' : 'http-error', detail: `/${name}.json answered ${rec.status}` }],
        };
      }
      const isPrivate = !listed;
      const model = await cached('model.json', `/${encodeURIComponent(name)}/model.json`);
      const modelDoc = isObject(model.value) ? model.value : null;
      if (!modelDoc) problems.push({ code: 'http-error', detail: `model.json answered ${model.status}` });
      const mapping = modelDoc?.mapping;
      const modelState =
        mapping === undefined ? 'no-mapping' : isObject(mapping) && Object.keys(mapping).length === 0 ? 'empty-mapping' : 'modelled';
      const views = await cached('views.json', `/${encodeURIComponent(name)}/views.json`);
      const agg = await cached('aggregate.json', `/api/2/aggregate?dataset=${encodeURIComponent(name)}`);
      const entries =
        isObject(agg.value) && isObject(agg.value.summary) && typeof agg.value.summary.num_entries === 'number'
          ? agg.value.summary.num_entries
          : null;
      const team = await teamOf(name, dir);
      const srcList = await cached('sources.json', `/${encodeURIComponent(name)}/sources.json`);
      const sources: Obj[] = [];
      for (const s of Array.isArray(srcList.value) ? srcList.value.filter(isObject) : []) {
        const id = String(s.id);
        if (!/^[A-Za-z0-9_-]+$/.test(id)) continue;
        const analysis = await cached(`analysis-${id}.json`, `/${encodeURIComponent(name)}/sources/${id}/analysis.json`);
        const download = await downloadSource(name, id, dir);
        if (download.status !== 'ok')
          problems.push({
            code: `source-${String(download.status)}`,
            detail: String(download.error ?? download.httpStatus ?? ''),
            source: id,
          });
        sources.push({
          id: s.id,
          url: s.url ?? null,
          createdAt: s.created_at ?? null,
          creator: null,
          analysis: analysis.status === 200 ? analysis.value : null,
          runs: null,
          loaded: null,
          download,
        });
      }
      let hasEntries = false;
      if (!sources.some((s) => isObject(s.download) && s.download.status === 'ok') && modelState === 'modelled') {
        hasEntries = await fetchEntries(name, dir, entries, problems);
      }
      await writeFile(join(dir, 'model.json'), JSON.stringify(modelDoc ?? {}, null, 2) + '\n');
      await writeFile(join(dir, 'views.json'), JSON.stringify(views.status === 200 ? views.value : [], null, 2) + '\n');
      await writeFile(join(dir, 'team.json'), JSON.stringify(team, null, 2) + '\n');
      await writeFile(join(dir, 'sources.json'), JSON.stringify(sources, null, 2) + '\n');
      const status = problems.some((p) => p.code === 'http-error') ? 'partial' : 'complete';
      const record = {
        dataset: rec.value,
        private: isPrivate,
        privateEvidence: isPrivate ? 'key' : 'listed',
        modelState,
        entries,
        hasEntries,
        status,
        problems,
      };
      await writeFile(join(dir, 'record.json'), JSON.stringify(record, null, 2) + '\n');
      await rm(join(dir, '.cache'), { recursive: true, force: true });
      await rm(final, { recursive: true, force: true });
      await rename(dir, final);
      return { name, status, private: isPrivate, problems };
    } catch (e) {
      // The partial folder stays: the next run goes on from what it holds.
      return {
        name,
        status: 'failed',
        private: false,
        problems: [
          ...problems,
          {
            code: e instanceof HttpFailure && e.status ? 'http-error' : 'network-error',
            detail: `${(e as Error).message}; run the export again to go on from here`,
          },
        ],
      };
    }
  }

  async function teamOf(name: string, dir: string): Promise<Obj> {
    const at = join(dir, '.cache', 'meta.html');
    let html: string | null = null;
    if (await exists(at)) html = await readFile(at, 'utf8');
    else {
      const res = await request(`/${encodeURIComponent(name)}/meta`, name);
      if (res.ok) {
        html = await res.text();
        await mkdir(join(dir, '.cache'), { recursive: true });
        await writeFile(at, html);
      } else await res.body?.cancel();
    }
    if (html === null) return { managers: [], evidence: 'none' };
    const section = /Team<\/h\d>([\s\S]*?)(<h\d|$)/i.exec(html)?.[1] ?? '';
    const managers: Obj[] = [];
    for (const m of section.matchAll(/<a[^>]*href="\/account\/([^"/?#]+)"[^>]*>([^<]*)<\/a>/g)) {
      managers.push({
        login: decodeURIComponent(m[1]!),
        displayName: m[2]!
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .trim(),
      });
    }
    return { managers, evidence: managers.length ? 'meta-html' : 'none' };
  }

  async function downloadSource(name: string, id: string, dir: string): Promise<Obj> {
    const file = `sources/${id}.csv`;
    const target = join(dir, file);
    const meta = join(dir, '.cache', `download-${id}.json`);
    if ((await exists(target)) && (await exists(meta))) return JSON.parse(await readFile(meta, 'utf8'));
    let result: Obj;
    try {
      const res = await request(`/${encodeURIComponent(name)}/sources/${id}`, name);
      const contentType = res.headers.get('content-type') ?? '';
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        result = {
          status: 'http-error',
          httpStatus: res.status,
          finalUrl: res.url,
          contentType,
          bytes: null,
          sha256: null,
          file: null,
          error: `HTTP ${res.status}`,
        };
      } else {
        const hash = createHash('sha256');
        let bytes = 0;
        let head = '';
        const tap = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            hash.update(chunk);
            bytes += chunk.length;
            if (head.length < 1024) head += chunk.subarray(0, 1024 - head.length).toString('latin1');
            cb(null, chunk);
          },
        });
        await pipeline(Readable.fromWeb(res.body as WebReadableStream), tap, createWriteStream(`${target}.tmp`));
        await rename(`${target}.tmp`, target);
        const html =
          /text\/html/i.test(contentType) ||
          head
            .replace(/^\u00ef\u00bb\u00bf/, '')
            .trimStart()
            .startsWith('<');
        result = {
          status: html ? 'not-csv' : 'ok',
          httpStatus: res.status,
          finalUrl: res.url,
          contentType,
          bytes,
          sha256: hash.digest('hex'),
          file,
          error: html ? 'an HTML page, not CSV' : null,
        };
      }
    } catch (e) {
      result = {
        status: 'network-error',
        httpStatus: null,
        finalUrl: null,
        contentType: null,
        bytes: null,
        sha256: null,
        file: null,
        error: (e as Error).message,
      };
    }
    await mkdir(join(dir, '.cache'), { recursive: true });
    await writeFile(meta, JSON.stringify(result));
    return result;
  }

  async function fetchEntries(name: string, dir: string, entries: number | null, problems: ExportedDataset['problems']): Promise<boolean> {
    const target = join(dir, 'entries.csv');
    if (await exists(target)) return true;
    const size = Math.max(1000, (entries ?? 0) + 1);
    try {
      const res = await request(`/api/2/search?dataset=${encodeURIComponent(name)}&format=csv&pagesize=${size}`, name);
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        problems.push({ code: 'entries-error', detail: `the cube export answered ${res.status}` });
        return false;
      }
      await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(`${target}.tmp`));
      await rename(`${target}.tmp`, target);
      return true;
    } catch (e) {
      problems.push({ code: 'entries-error', detail: (e as Error).message });
      return false;
    }
  }
}

export { HttpFailure };
