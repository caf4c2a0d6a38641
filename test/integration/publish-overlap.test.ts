/**
 * Blob uploads overlapping validation (src/mirror/early-uploads.ts), against a real s3rver behind
 * the counting proxy and real git repositories: a file's blob is uploaded once the pass has read
 * it, while the rest is still being checked; when a row then fails, nothing a reader sees has
 * changed — the run removes the blobs it uploaded, and a bucket holding a published version is
 * left byte for byte as it was.
 */
import { describe, expect, it } from 'vitest';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { DatasetLayout } from '../../src/mirror/layout.ts';
import { publishDataset } from '../../src/pipeline/publish.ts';
import { startCountingProxy } from '../support/counting-proxy.ts';
import { commitFiles, gitdir, hasGitLfs, needsLfs } from '../support/git.ts';
import type { ObjectStore } from '../../src/mirror/object-store.ts';
import { startS3 } from '../support/s3.ts';

const descriptor = {
  name: 'budget',
  owner: 'alice',
  profiles: ['tabular'],
  resources: [
    { name: 'codes', path: 'data/codes.csv', schema: { fields: [{ name: 'code', type: 'string' }], primaryKey: 'code' } },
    {
      name: 'spending',
      path: 'data/spending.csv',
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'amount', type: 'number' },
          { name: 'code', type: 'string' },
        ],
        foreignKeys: [{ fields: 'code', reference: { resource: 'codes', fields: 'code' } }],
      },
    },
  ],
};
/** Many rows; with `bad`, the last amount is not a number. */
const spending = (rows: number, bad: boolean): string =>
  'id,amount,code\n' + Array.from({ length: rows }, (_, i) => `${i},${bad && i === rows - 1 ? 'lots' : `${i}.5`},C${i % 3}\n`).join('');
const L = new DatasetLayout('alice', 'budget');
const blobKeys = (keys: Iterable<string>): string[] => [...keys].filter((k) => k.startsWith(`${L.root}blobs/`));

describe('uploads overlapping validation', () => {
  it('a valid package: the blobs read first are uploaded during the pass, the mirror uploads the rest, the bucket is complete', async () => {
    const s3 = await startS3();
    const dir = await gitdir({
      'datapackage.json': descriptor,
      'data/codes.csv': 'code\nC0\nC1\nC2\n',
      'data/spending.csv': spending(20000, false),
    });
    const r = await publishDataset(await openGitDataset(dir), s3.store);
    expect(r.status).toBe('published');
    expect(r.stats.uploaded).toBe(3); // descriptor, codes, spending: each once
    expect(blobKeys((await s3.objects()).keys())).toHaveLength(3);
  });

  it('an invalid package (a row fails while uploads are under way) leaves nothing: the run removes the blobs it uploaded', async () => {
    const s3 = await startS3();
    const proxy = await startCountingProxy(s3.endpoint);
    const dir = await gitdir({
      'datapackage.json': descriptor,
      'data/codes.csv': 'code\nC0\nC1\nC2\n',
      'data/spending.csv': spending(20000, true),
    });
    const r = await publishDataset(await openGitDataset(dir), s3.storeVia(proxy.endpoint));
    expect(r.status).toBe('invalid');
    expect(r.report!.errors.map((e) => e.code)).toEqual(['type-error']);
    // An upload was started during the pass (nothing else uploads for an invalid package), then removed.
    expect(proxy.count({ operation: 'PutObject' })).toBeGreaterThanOrEqual(1);
    expect(proxy.count({ operation: 'DeleteObjects' }) + proxy.count({ operation: 'DeleteObject' })).toBeGreaterThanOrEqual(1);
    expect([...(await s3.objects()).keys()]).toEqual([]);
  });

  it('with a version published, an invalid next commit leaves the bucket byte for byte as it was; a blob an older version holds is never removed', async () => {
    const s3 = await startS3();
    const dir = await gitdir({
      'datapackage.json': descriptor,
      'data/codes.csv': 'code\nC0\nC1\nC2\n',
      'data/spending.csv': spending(2000, false),
    });
    expect((await publishDataset(await openGitDataset(dir), s3.store)).status).toBe('published');
    const before = await s3.objects();
    // New codes (uploaded early, then removed) and a spending file that fails at its last row.
    await commitFiles(dir, { 'data/codes.csv': 'code\nC0\nC1\nC2\nC3\n', 'data/spending.csv': spending(20000, true) });
    const r = await publishDataset(await openGitDataset(dir), s3.store);
    expect(r.status).toBe('invalid');
    expect(await s3.objects()).toEqual(before);
    // Back to content the first version stored, plus a failing row: that blob stays.
    await commitFiles(dir, { 'data/codes.csv': 'code\nC0\nC1\nC2\n' });
    expect((await publishDataset(await openGitDataset(dir), s3.store)).status).toBe('invalid');
    expect(await s3.objects()).toEqual(before);
  });
  it.skipIf(!hasGitLfs)(
    needsLfs('a file whose content id is known before the pass reads it (an LFS object) starts uploading first, not after its rows'),
    async () => {
      const s3 = await startS3();
      const dir = await gitdir(
        { 'datapackage.json': descriptor, 'data/codes.csv': 'code\nC0\nC1\nC2\n', 'data/spending.csv': spending(2000, false) },
        { lfs: ['data/spending.csv'] },
      );
      const snapshot = await openGitDataset(dir);
      const oid = snapshot.files.find((f) => f.path === 'data/spending.csv')!.lfs!.oid;
      // The store tells when the LFS object's blob upload starts; reading spending.csv waits for
      // that (at most 5 s): without a head start the upload would only start once the rows were read.
      let uploadStarted!: () => void;
      const started = new Promise<void>((resolve) => (uploadStarted = resolve));
      const store: ObjectStore = Object.assign(Object.create(s3.store) as ObjectStore, {
        put: (...args: Parameters<ObjectStore['put']>) => {
          if (args[0] === L.blob(oid)) uploadStarted();
          return s3.store.put(...args);
        },
      });
      let waitedInVain = false;
      const source = {
        ...snapshot.source,
        async open(path: string) {
          const file = await snapshot.source.open(path);
          if (path !== 'data/spending.csv') return file;
          return {
            ...file,
            async *stream() {
              const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
              if ((await Promise.race([started, timeout])) === 'timeout') waitedInVain = true;
              yield* file.stream();
            },
          };
        },
      };
      const r = await publishDataset({ ...snapshot, source }, store);
      expect(r.status).toBe('published');
      expect(waitedInVain).toBe(false);
      expect(blobKeys((await s3.objects()).keys())).toContain(L.blob(oid));
    },
  );
});
