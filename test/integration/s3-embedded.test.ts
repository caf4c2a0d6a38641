import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CopyObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startEmbeddedStore } from '../../src/adapters/s3/embedded.ts';
import { createS3Client, createS3Store } from '../../src/adapters/s3/store.ts';
import { startS3 } from '../support/s3.ts';
import { testdir } from '../support/tmp.ts';

describe('startEmbeddedStore', () => {
  it('serves a bucket on loopback, keeps the data across restarts and answers public GETs with CORS', async () => {
    const directory = join(await testdir(), 'nested', 's3');

    const first = await startEmbeddedStore({ directory });
    try {
      expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.config).toMatchObject({
        bucket: 'openspending',
        endpoint: first.endpoint,
        forcePathStyle: true,
        checksums: 'WHEN_REQUIRED',
      });
      const store = createS3Store(first.config);
      await store.put('datasets/o/n/data/a.csv', 'id\n1\n', { contentType: 'text/csv' });
      store.destroy();
    } finally {
      await first.close();
    }
    await expect(fetch(`${first.endpoint}/openspending/datasets/o/n/data/a.csv`)).rejects.toThrow();

    const second = await startEmbeddedStore({ directory });
    try {
      const store = createS3Store(second.config);
      expect(Buffer.from((await store.get('datasets/o/n/data/a.csv')) ?? []).toString()).toBe('id\n1\n');

      // A browser with no credentials at all: plain GET on the public URL.
      const url = store.url('datasets/o/n/data/a.csv');
      expect(url).toBe(`${second.endpoint}/openspending/datasets/o/n/data/a.csv`);
      const response = await fetch(url, { headers: { origin: 'https://app.example.org' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-expose-headers')).toBe('Content-Range');
      expect(await response.text()).toBe('id\n1\n');
      store.destroy();
    } finally {
      await second.close();
    }
  });

  it('says why it cannot start (port taken)', async () => {
    const running = await startEmbeddedStore({ directory: await testdir() });
    try {
      const port = Number(new URL(running.endpoint).port);
      await expect(startEmbeddedStore({ directory: await testdir(), port })).rejects.toThrow(
        new RegExp(`^The embedded S3 store could not start on 127\\.0\\.0\\.1:${port} in .+: .*EADDRINUSE.*\\.$`),
      );
    } finally {
      await running.close();
    }
  });

  it('copies objects as independent objects: overwriting or deleting the source leaves the copy whole, headers replaced or kept', async () => {
    const s3 = await startS3();
    const Bucket = s3.bucket;
    await s3.client.send(
      new PutObjectCommand({ Bucket, Key: 'blob', Body: 'v1 bytes', ContentType: 'text/csv', CacheControl: 'immutable' }),
    );
    await s3.client.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'latest',
        CopySource: `${Bucket}/blob`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
        CacheControl: 'max-age=60',
      }),
    );
    await s3.client.send(new CopyObjectCommand({ Bucket, Key: 'same', CopySource: `${Bucket}/blob` }));
    const [blob, latest, same] = await Promise.all(
      ['blob', 'latest', 'same'].map((Key) => s3.client.send(new HeadObjectCommand({ Bucket, Key }))),
    );
    expect(latest?.ETag).toBe(blob?.ETag);
    expect([latest?.ContentType, latest?.CacheControl]).toEqual(['text/plain', 'max-age=60']);
    expect([same?.ContentType, same?.CacheControl, same?.ETag]).toEqual(['text/csv', 'immutable', blob?.ETag]);

    // Copy onto a key that already holds the same object, then overwrite and delete the source.
    await s3.client.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'latest',
        CopySource: `${Bucket}/same`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
      }),
    );
    await s3.store.put('blob', 'v2', { contentType: 'text/csv' });
    const text = async (key: string): Promise<string> => Buffer.from((await s3.store.get(key)) ?? []).toString();
    expect([await text('blob'), await text('latest'), await text('same')]).toEqual(['v2', 'v1 bytes', 'v1 bytes']);
    await s3.store.delete(['same']);
    expect(await text('latest')).toBe('v1 bytes');
    expect([...(await s3.objects()).keys()].sort()).toEqual(['blob', 'latest']);
    // No temporary files left behind in the server's folder.
    const files = await readdir(join(s3.directory, Bucket), { recursive: true });
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stores an object whole or not at all: an upload cut off midway leaves no object and no partial file', async () => {
    const s3 = await startS3();
    await s3.store.put('data.csv', 'old\n', { contentType: 'text/csv' });
    // The publisher dies after the first 64 KiB of a 10 MiB body: the connection closes midway.
    const client = createS3Client(s3.config);
    const controller = new AbortController();
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent++ === 0) this.push(Buffer.alloc(64 * 1024, 0x61));
        else setTimeout(() => controller.abort(), 100);
      },
    });
    await expect(
      client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: 'data.csv', Body: body, ContentLength: 10 * 1024 * 1024, ContentType: 'text/csv' }),
        {
          abortSignal: controller.signal,
        },
      ),
    ).rejects.toThrow();
    client.destroy();
    // Give the server a moment to notice the closed connection, then look.
    await new Promise((done) => setTimeout(done, 200));
    expect(Buffer.from((await s3.store.get('data.csv')) ?? []).toString()).toBe('old\n');
    const files = await readdir(join(s3.directory, s3.bucket), { recursive: true });
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
