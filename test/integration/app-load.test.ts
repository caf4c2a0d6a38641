/**
 * Load: 50 concurrent push deliveries for 50 datasets land in at most 5 registry commits, none
 * lost — with one App, and with two App replicas writing the same registry (they meet at the
 * registry's ref: optimistic concurrency, re-read and re-apply on a moved ref). Real App servers,
 * real signed deliveries (recorded payloads adapted to the fake's repositories), the fake GitHub.
 */

import { describe, expect, it } from 'vitest';
import { startAppWorld, type AppWorld } from '../support/webhook.ts';

const N = 50;

function addDatasets(w: AppWorld, prefix: string): number[] {
  return Array.from({ length: N }, (_, i) => w.addDataset('os-data', `${prefix}-${String(i).padStart(2, '0')}`));
}

describe('the App under load', () => {
  it(`${N} concurrent pushes for ${N} datasets land in at most 5 commits, none lost`, async () => {
    // The production batch window (200 ms).
    const w = await startAppWorld({ app: { queue: { debounceMs: 200 } } });
    const ids = addDatasets(w, 'load');
    const before = w.registryCommits();
    const responses = await Promise.all(ids.map((id) => w.push(id)));
    expect(responses.map((r) => r.status)).toEqual(ids.map(() => 202));
    await w.settle();
    const commits = w.registryCommits() - before;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(5);
    expect(w.catalog()).toHaveLength(N);
    expect(new Set(w.datasets().map((d) => d['repository_id']))).toEqual(new Set(ids.map(String)));
  });

  it(`two App replicas: ${N} concurrent pushes split between them land in at most 5 commits, none lost`, async () => {
    const a = await startAppWorld({ app: { queue: { debounceMs: 200 } } });
    const b = await startAppWorld({ fake: a.fake, app: { queue: { debounceMs: 200 } } });
    const ids = addDatasets(a, 'replica');
    const before = a.registryCommits();
    const responses = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b).push(id)));
    expect(responses.map((r) => r.status)).toEqual(ids.map(() => 202));
    await Promise.all([a.settle(), b.settle()]);
    const commits = a.registryCommits() - before;
    expect(commits).toBeGreaterThanOrEqual(2);
    expect(commits).toBeLessThanOrEqual(5);
    expect(a.catalog()).toHaveLength(N);
    const changelog = (a.fake.readFile(a.registry, 'main', 'data/changelog.csv') ?? '').split('\n').filter((l) => l !== '');
    expect(changelog).toHaveLength(N + 1); // one `listed` row each, plus the header
    // Both replicas wrote; the registry's history is linear (no force-push, nothing lost).
    expect(a.logs.some((l) => l['msg'] === 'registry updated') && b.logs.some((l) => l['msg'] === 'registry updated')).toBe(true);
    for (const c of a.fake.log(a.registry)) expect(c.parents.length).toBeLessThanOrEqual(1);
  });
});
