import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedStore } from '../../src/adapters/s3/embedded.ts';
import { createS3Store } from '../../src/adapters/s3/store.ts';
import { testdir } from '../support/tmp.ts';

describe('startEmbeddedStore', () => {
  it('serves a bucket on loopback, keeps the data across restarts and answers public GETs with CORS', async () => {
    const directory = join(await testdir(), 'nested', 's3');

    const first = await startEmbeddedStore({ directory });
    try {
      expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.config).toMatchObject({ bucket: 'openspending', endpoint: first.endpoint, forcePathStyle: true, checksums: 'WHEN_REQUIRED' });
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
});
