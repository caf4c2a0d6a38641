/**
 * A Git LFS server for tests, on 127.0.0.1 (node:http), faithful to the Batch API
 * (https://github.com/git-lfs/git-lfs/blob/main/docs/api/batch.md) for downloads with the basic
 * transfer: it serves objects from an LFS store directory (`ab/cd/abcd…`, e.g. a bare remote's
 * `lfs/objects` filled by a real `git push`), records every request, and injects faults.
 */

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const LFS_JSON = 'application/vnd.git-lfs+json';

export type LfsFault =
  /** The download has the right size but one byte changed. */
  | 'corrupt'
  /** The download lacks its last byte (sent chunked, without Content-Length). */
  | 'short'
  /** The download has one byte more (sent chunked, without Content-Length). */
  | 'long'
  /** The download's Content-Length is not the object's size. */
  | 'wrong-length'
  /** The batch endpoint answers 500. */
  | 'batch-500'
  /** The download URL answers 500. */
  | 'download-500';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body of a batch request. */
  body?: unknown;
}

export interface LfsServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** An endpoint URL on this server (any path ending in /objects/batch is answered). */
  endpoint: string;
  requests: RecordedRequest[];
  /** The fault injected into the following requests, or null. */
  fault: LfsFault | null;
  close(): Promise<void>;
}

export interface LfsServerOptions {
  /** The LFS store directory the objects are served from. */
  objects: string;
  /** Credentials the batch endpoint requires (HTTP Basic); none when absent. */
  auth?: { username: string; password: string };
}

export async function startLfsServer(options: LfsServerOptions): Promise<LfsServer> {
  const token = randomBytes(12).toString('hex'); // what the download action's header carries
  const requests: RecordedRequest[] = [];
  const objectFile = (oid: string): string => join(options.objects, oid.slice(0, 2), oid.slice(2, 4), oid);
  let base = '';
  let fault: LfsFault | null = null;

  const json = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': LFS_JSON, ...headers }).end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const record: RecordedRequest = { method: req.method ?? '', path, headers: req.headers };
      requests.push(record);
      void handle(req.method ?? '', path, req.headers, Buffer.concat(chunks).toString('utf8'), record, res).catch((e: unknown) => {
        if (!res.headersSent) json(res, 500, { message: String(e) });
        else res.destroy();
      });
    });
  });

  async function handle(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    text: string,
    record: RecordedRequest,
    res: ServerResponse,
  ): Promise<void> {
    if (method === 'POST' && path.endsWith('/objects/batch')) return batch(headers, text, record, res);
    const download = /^\/download\/([0-9a-f]{64})$/.exec(path);
    if (method === 'GET' && download) return send(download[1]!, headers, res);
    json(res, 404, { message: `no route for ${method} ${path}` });
  }

  async function batch(headers: IncomingHttpHeaders, text: string, record: RecordedRequest, res: ServerResponse): Promise<void> {
    if (!(headers.accept ?? '').includes(LFS_JSON)) return json(res, 406, { message: `the Accept header must be ${LFS_JSON}` });
    if (!(headers['content-type'] ?? '').startsWith(LFS_JSON)) return json(res, 422, { message: `the Content-Type must be ${LFS_JSON}` });
    if (options.auth) {
      const expected = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
      if (headers.authorization !== expected)
        return json(res, 401, { message: 'Credentials needed' }, { 'lfs-authenticate': 'Basic realm="Git LFS"' });
    }
    let body: { operation?: unknown; transfers?: unknown; objects?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return json(res, 422, { message: 'the body is not JSON' });
    }
    record.body = body;
    if (fault === 'batch-500') return json(res, 500, { message: 'Internal error (injected)' });
    if (body.operation !== 'download') return json(res, 422, { message: 'only the download operation is supported here' });
    if (body.transfers !== undefined && !(Array.isArray(body.transfers) && body.transfers.includes('basic')))
      return json(res, 422, { message: 'only the basic transfer is supported' });
    const objects = body.objects;
    const valid = (o: unknown): o is { oid: string; size: number } =>
      typeof o === 'object' &&
      o !== null &&
      typeof (o as { oid?: unknown }).oid === 'string' &&
      /^[0-9a-f]{64}$/.test((o as { oid: string }).oid) &&
      Number.isSafeInteger((o as { size?: unknown }).size) &&
      (o as { size: number }).size >= 0;
    if (!Array.isArray(objects) || objects.length === 0 || !objects.every(valid))
      return json(res, 422, { message: 'objects must be a non-empty list of { oid, size }' });
    const answer = [];
    for (const o of objects) {
      const size = await stat(objectFile(o.oid)).then(
        (s) => s.size,
        () => null,
      );
      if (size === null) answer.push({ oid: o.oid, size: o.size, error: { code: 404, message: 'Object does not exist' } });
      else if (size !== o.size)
        answer.push({ oid: o.oid, size: o.size, error: { code: 422, message: `the object has ${size} bytes, not ${o.size}` } });
      else
        answer.push({
          oid: o.oid,
          size: o.size,
          authenticated: true,
          actions: { download: { href: `${base}/download/${o.oid}`, header: { Authorization: `RemoteAuth ${token}` }, expires_in: 3600 } },
        });
    }
    json(res, 200, { transfer: 'basic', objects: answer, hash_algo: 'sha256' });
  }

  async function send(oid: string, headers: IncomingHttpHeaders, res: ServerResponse): Promise<void> {
    if (headers.authorization !== `RemoteAuth ${token}`) return json(res, 401, { message: 'the download needs the header of its action' });
    if (fault === 'download-500') return json(res, 500, { message: 'Internal error (injected)' });
    const file = objectFile(oid);
    const size = await stat(file).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) return json(res, 404, { message: 'Object does not exist' });
    if (fault === null) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      createReadStream(file).pipe(res);
      return;
    }
    const content = await readFile(file);
    if (fault === 'corrupt') {
      const i = Math.floor(content.length / 2);
      content[i] = content[i]! ^ 0xff;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length }).end(content);
    } else if (fault === 'wrong-length') {
      res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length + 7 })
        .end(Buffer.concat([content, Buffer.alloc(7)]));
    } else {
      // chunked: the client learns the length only at the end
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(fault === 'short' ? content.subarray(0, -1) : Buffer.concat([content, Buffer.from('!')]));
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    endpoint: `${base}/o/r.git/info/lfs`,
    requests,
    get fault() {
      return fault;
    },
    set fault(f) {
      fault = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
