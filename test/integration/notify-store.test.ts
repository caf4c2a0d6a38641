/**
 * The feed task's writes to a real store (s3rver on loopback): the registry's read copy and the
 * catalog built from it. The registry's files at each commit are given directly (what
 * readRegistryFiles reads from GitHub; the App's end-to-end path is in app-follow-up.test.ts).
 */

import { describe, expect, it } from 'vitest';
import { createNotifier, type RegistryFile } from '../../src/notify/index.ts';
import { serializeRegistry } from '../../src/registry/csv.ts';
import type { DatasetEntry } from '../../src/registry/model.ts';
import { startS3 } from '../support/s3.ts';

const entry = (name: string, time: string): DatasetEntry => ({
  repositoryId: name.length * 1000 + name.charCodeAt(0),
  owner: 'os-data',
  repo: name,
  name,
  url: `https://github.com/os-data/${name}`,
  core: true,
  title: `Spending of ${name}`,
  defaultBranch: 'main',
  lastCommit: 'a'.repeat(40),
  valid: true,
  s3Prefix: `datasets/os-data/${name}/`,
  updated: time,
  status: 'published',
  reason: '',
});

const filesOf = (datasets: DatasetEntry[]): RegistryFile[] =>
  Object.entries(serializeRegistry({ datasets, changelog: [] })).map(([path, text]) => ({ path, body: new TextEncoder().encode(text) }));

describe('the feed task', () => {
  it('writes the catalog from the registry copy it writes, and a late retry of an older commit does not set either back', async () => {
    const s3 = await startS3();
    const older = { commit: '1'.repeat(40), time: '2026-01-01T00:00:00.000Z' };
    const newer = { commit: '2'.repeat(40), time: '2026-01-02T00:00:00.000Z' };
    const registryAt: Record<string, RegistryFile[]> = {
      [older.commit]: filesOf([entry('roads', older.time)]),
      [newer.commit]: filesOf([entry('roads', older.time), entry('bridges', newer.time)]),
    };
    const notifier = createNotifier({
      registry: { owner: 'os-team', repo: 'registry' },
      subscribers: [],
      store: s3.store,
      readRegistryFiles: async (c) => registryAt[c]!,
    });
    const change = (t: { commit: string; time: string }, dataset: string) => ({
      ...t,
      changes: [{ time: t.time, event: 'listed', dataset, repositoryId: 1, commit: 'a'.repeat(40), delivery: '', note: '' }],
    });
    const feedTask = (u: ReturnType<typeof change>) => notifier.tasks(u).find((t) => t.kind === 'feed')!;
    const catalog = async (): Promise<string> => Buffer.from((await s3.store.get('index.html'))!).toString('utf8');
    const datasetsCsv = async (): Promise<string> => Buffer.from((await s3.store.get('registry/data/datasets.csv'))!).toString('utf8');

    expect(await feedTask(change(newer, 'os-data/bridges')).run()).toEqual({ ok: true, note: 'catalog written: 2 datasets' });
    expect(await catalog()).toContain('<td data-value="bridges">bridges ');
    // The older commit's task, retried after the newer one was written: its feed entry only.
    const late = await feedTask(change(older, 'os-data/roads')).run();
    expect(late).toMatchObject({ ok: true, note: expect.stringContaining('left at the newer 222222222222') });
    expect(await catalog()).toContain('<td data-value="bridges">bridges ');
    expect(await datasetsCsv()).toContain('os-data,bridges');
    const feed = JSON.parse(Buffer.from((await s3.store.get('registry/feed.json'))!).toString('utf8')) as {
      items: Array<{ commit: string }>;
    };
    expect(feed.items.map((i) => i.commit)).toEqual([newer.commit, older.commit]);
  });
});
