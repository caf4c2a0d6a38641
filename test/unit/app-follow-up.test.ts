/**
 * The pure parts of the App's follow-up: the write scheduler's order (registry work before
 * follow-up work in an installation's lane, follow-up never starved, the per-minute cap), and
 * which publishes a registry commit owes (src/notify/publish.ts). Orders and counts only.
 */

import { describe, expect, it, vi } from 'vitest';
import { createWriteScheduler } from '../../app/write-scheduler.ts';
import { publishesOwed } from '../../src/notify/publish.ts';
import type { ChangelogEntry, DatasetEntry, RegistryState } from '../../src/registry/model.ts';

describe('the write scheduler', () => {
  it('lets registry writes of an installation go before its follow-up writes', async () => {
    const s = createWriteScheduler({ intervalMs: 5, perMinute: Infinity });
    const order: string[] = [];
    const job = (name: string) => async (): Promise<void> => void order.push(name);
    const all = [
      ...[1, 2, 3].map((i) => s.key('follow-up:installation-7').schedule({}, job(`dispatch ${i}`))),
      ...[1, 2].map((i) => s.key('installation-7').schedule({}, job(`registry ${i}`))),
      s.key('installation-8').schedule({}, job('other installation')),
    ];
    await Promise.all(all);
    // Queued in the same tick: registry first; another installation is another lane.
    expect(order.filter((o) => !o.startsWith('other'))).toEqual(['registry 1', 'registry 2', 'dispatch 1', 'dispatch 2', 'dispatch 3']);
    expect(s.stats()).toMatchObject({ started: { registry: 3, followUp: 3 }, waiting: { registry: 0, followUp: 0 } });
  });

  it('lets a follow-up write that waited long enough go first, so registry work cannot starve it', async () => {
    vi.useFakeTimers();
    try {
      const s = createWriteScheduler({ intervalMs: 10_000, perMinute: Infinity, maxLowWaitMs: 1000 });
      const order: string[] = [];
      const first = s.key('installation-7').schedule({}, async () => void order.push('registry 0'));
      const old = s.key('follow-up:installation-7').schedule({}, async () => void order.push('old dispatch'));
      await vi.advanceTimersByTimeAsync(2000);
      const fresh = [1, 2].map((i) => s.key('installation-7').schedule({}, async () => void order.push(`registry ${i}`)));
      await vi.advanceTimersByTimeAsync(30_000);
      await Promise.all([first, old, ...fresh]);
      // Without the bound the two newer registry writes would have gone first.
      expect(order).toEqual(['registry 0', 'old dispatch', 'registry 1', 'registry 2']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves registry work its share: follow-up takes at most followUpShare of the caps', async () => {
    vi.useFakeTimers();
    try {
      const s = createWriteScheduler({ intervalMs: 0, perMinute: Infinity, perHour: 10, followUpShare: 0.5 });
      const order: string[] = [];
      const lows = Array.from({ length: 8 }, (_, i) =>
        s.key(`follow-up:installation-${i}`).schedule({}, async () => void order.push('dispatch')),
      );
      await vi.advanceTimersByTimeAsync(1000);
      expect(order).toHaveLength(5); // half of the hour's 10
      const high = s.key('installation-1').schedule({}, async () => void order.push('registry'));
      await vi.advanceTimersByTimeAsync(1000);
      await high;
      expect(order.filter((o) => o === 'registry')).toHaveLength(1);
      expect(order.filter((o) => o === 'dispatch')).toHaveLength(5);
      await vi.advanceTimersByTimeAsync(3_600_000);
      await Promise.all(lows);
      expect(order.filter((o) => o === 'dispatch')).toHaveLength(8);
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts at most perMinute writes in any 60 s, all lanes together', async () => {
    vi.useFakeTimers();
    try {
      const s = createWriteScheduler({ intervalMs: 0, perMinute: 3, perHour: Infinity });
      const started: number[] = [];
      const jobs = [1, 2, 3, 4].map((i) => s.key(`installation-${i}`).schedule({}, async () => void started.push(i)));
      await vi.advanceTimersByTimeAsync(59_000);
      expect(started).toHaveLength(3);
      expect(s.stats()).toMatchObject({ waiting: { registry: 1 }, peakPerMinute: 3 });
      await vi.advanceTimersByTimeAsync(1_001);
      await jobs[3];
      expect(started).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });
});

const row = (id: number, extra: Partial<DatasetEntry> = {}): DatasetEntry => ({
  repositoryId: id,
  owner: 'os-data',
  repo: `r${id}`,
  name: `r${id}`,
  url: `https://github.com/os-data/r${id}`,
  core: true,
  title: '',
  defaultBranch: 'main',
  lastCommit: `c${id}`,
  valid: true,
  s3Prefix: `datasets/os-data/r${id}/`,
  updated: 't',
  status: 'published',
  reason: '',
  ...extra,
});
const change = (id: number, event: string, commit = `c${id}`): ChangelogEntry => ({
  time: 't',
  event,
  dataset: `os-data/r${id}`,
  repositoryId: id,
  commit,
  delivery: 'd',
  note: '',
});

describe('publishesOwed', () => {
  it('owes a publish for each dataset listed or updated at a new commit, and nothing else', () => {
    const state: RegistryState = {
      datasets: [row(1), row(2), row(3, { status: 'failed', reason: 'owner mismatch' }), row(4, { reason: 'archived' }), row(5), row(6)],
      changelog: [
        change(5, 'listed'), // before the commit: r5 was already published at c5
        change(1, 'listed'),
        change(2, 'updated'),
        change(3, 'failed'),
        change(4, 'archived'),
        change(5, 'updated'), // the same commit again (e.g. a reason changed): nothing to publish
        change(6, 'renamed'),
      ],
    };
    expect(publishesOwed(state, 6)).toEqual([
      { repositoryId: 1, owner: 'os-data', repo: 'r1', commit: 'c1' },
      { repositoryId: 2, owner: 'os-data', repo: 'r2', commit: 'c2' },
    ]);
    // A row whose commit is not the dataset's commit now (a later commit moved it on) owes nothing.
    expect(publishesOwed({ datasets: [row(1, { lastCommit: 'c9' })], changelog: [change(1, 'listed')] }, 1)).toEqual([]);
  });
});
