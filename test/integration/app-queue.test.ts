/**
 * The App's queue (app/queue.ts) on its own, with a recording `process`: keyed by repository id,
 * batch window, batch size, redeliveries collapsing, one batch at a time, backoff and giving up,
 * drain.
 */

import { describe, expect, it } from 'vitest';
import type { RepoTrigger } from '../../app/route-event.ts';
import { createRegistryQueue, type Work, type WorkOutcome } from '../../app/queue.ts';

const trigger = (repositoryId: number, deliveryId: string, extra: Partial<RepoTrigger> = {}): RepoTrigger => ({
  repositoryId,
  installationId: 1,
  deliveryId,
  event: 'push',
  repository: `o/r${repositoryId}`,
  ...extra,
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function recording(outcome: (w: Work) => WorkOutcome | Promise<WorkOutcome> = () => ({})) {
  const batches: Work[] = [];
  let active = 0;
  let maxActive = 0;
  const processWork = async (w: Work): Promise<WorkOutcome> => {
    active++;
    maxActive = Math.max(maxActive, active);
    batches.push(structuredClone(w));
    await sleep(20);
    active--;
    return outcome(w);
  };
  return { batches, process: processWork, maxActive: () => maxActive };
}

describe('createRegistryQueue', () => {
  it('gathers triggers for the batch window, keyed by repository id', async () => {
    const r = recording();
    const q = createRegistryQueue({ process: r.process, debounceMs: 60 });
    q.enqueue({ repos: [trigger(1, 'a', { push: { commit: 'c1' } })] });
    q.enqueue({ repos: [trigger(2, 'b')] });
    q.enqueue({ repos: [trigger(1, 'c', { push: { commit: 'c2' }, installationId: 2 })] });
    expect(q.stats().pending).toBe(2);
    await sleep(30);
    expect(r.batches).toHaveLength(0);
    await q.drain();
    expect(r.batches).toHaveLength(1);
    expect(r.batches[0]!.repos).toEqual([
      {
        repositoryId: 1,
        installationIds: [1, 2],
        deliveries: ['a', 'c'],
        events: ['push'],
        repository: 'o/r1',
        pushes: ['c1', 'c2'],
        attempts: 0,
      },
      { repositoryId: 2, installationIds: [1], deliveries: ['b'], events: ['push'], repository: 'o/r2', pushes: [], attempts: 0 },
    ]);
    q.close();
  });

  it('a redelivery (same delivery id) waiting or in flight is a duplicate', async () => {
    const r = recording();
    const q = createRegistryQueue({ process: r.process, debounceMs: 10 });
    expect(q.enqueue({ repos: [trigger(1, 'same')] }).duplicate).toBe(false);
    expect(q.enqueue({ repos: [trigger(1, 'same')] }).duplicate).toBe(true);
    await sleep(15); // in flight now
    expect(q.enqueue({ repos: [trigger(1, 'same')] }).duplicate).toBe(true);
    await q.drain();
    expect(r.batches).toHaveLength(1);
    // Processed: a later redelivery is work again (an operator asked for it).
    expect(q.enqueue({ repos: [trigger(1, 'same')] }).duplicate).toBe(false);
    await q.drain();
    expect(r.batches).toHaveLength(2);
    q.close();
  });

  it('starts a full batch at once and runs one batch at a time', async () => {
    const r = recording();
    const q = createRegistryQueue({ process: r.process, debounceMs: 10_000, maxBatch: 3 });
    q.enqueue({ repos: [1, 2, 3, 4, 5, 6, 7].map((id) => trigger(id, `d${id}`)) });
    await sleep(100);
    expect(r.batches.map((b) => b.repos.map((x) => x.repositoryId))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await q.drain();
    expect(r.batches.map((b) => b.repos.length)).toEqual([3, 3, 1]);
    expect(r.maxActive()).toBe(1);
    q.close();
  });

  it('retries what failed with backoff, then gives up (counted as dropped)', async () => {
    let calls = 0;
    const r = recording((w) => {
      calls++;
      return { retryRepos: w.repos.filter((x) => x.repositoryId === 2).map((x) => x.repositoryId) };
    });
    const q = createRegistryQueue({
      process: r.process,
      debounceMs: 5,
      retry: { baseMs: 20, maxMs: 40, maxAttempts: 3 },
      random: () => 0.999,
    });
    q.enqueue({ repos: [trigger(1, 'a'), trigger(2, 'b')] });
    await q.drain();
    expect(r.batches.map((b) => b.repos.map((x) => [x.repositoryId, x.attempts]))).toEqual([
      [
        [1, 0],
        [2, 0],
      ],
      [[2, 1]],
      [[2, 2]],
    ]);
    expect(calls).toBe(3);
    expect(q.stats()).toMatchObject({ pending: 0, dropped: 1, batches: 3 });
    q.close();
  });

  it('a batch that throws is retried whole', async () => {
    let fail = true;
    const r = recording(() => {
      if (fail) {
        fail = false;
        throw new Error('GitHub is down');
      }
      return {};
    });
    const q = createRegistryQueue({ process: r.process, debounceMs: 5, retry: { baseMs: 10 }, random: () => 0.5 });
    q.enqueue({
      repos: [trigger(1, 'a'), trigger(2, 'b')],
      sweeps: [{ installationId: 9, deliveryId: 'c', event: 'installation.created' }],
    });
    await q.drain();
    expect(r.batches).toHaveLength(2);
    expect(r.batches[1]!.repos.map((x) => x.attempts)).toEqual([1, 1]);
    expect(r.batches[1]!.sweeps.map((x) => x.attempts)).toEqual([1]);
    q.close();
  });

  it('drain() skips the batch window; exclusive() never overlaps a batch', async () => {
    const r = recording();
    const q = createRegistryQueue({ process: r.process, debounceMs: 60_000 });
    q.enqueue({ repos: [trigger(1, 'a')], reconcile: true });
    const t0 = Date.now();
    await q.drain();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.batches[0]).toMatchObject({ reconcile: true, repos: [{ repositoryId: 1 }] });
    q.enqueue({ repos: [trigger(2, 'b')] });
    const order: string[] = [];
    const drained = q.drain().then(() => order.push('drained'));
    await q.exclusive(async () => {
      order.push('exclusive');
    });
    await drained;
    expect(order).toEqual(['exclusive', 'drained']);
    q.close();
  });

  it('drain({ timeoutMs }) gives up on work that keeps failing', async () => {
    const r = recording((w) => ({ retryRepos: w.repos.map((x) => x.repositoryId) }));
    const q = createRegistryQueue({ process: r.process, debounceMs: 5, retry: { baseMs: 1000, maxAttempts: 10 } });
    q.enqueue({ repos: [trigger(1, 'a')] });
    expect(await q.drain({ timeoutMs: 200 })).toEqual({ drained: false });
    q.close();
  });

  it("an installation sweep's repositories are bulk: a later push goes first, and one re-read since the sweep is not re-read", async () => {
    // The sweep (batch 1) lists repositories 1-6; repository 1 came with the sweep's own batch.
    const r = recording((w) => (w.sweeps.length > 0 ? { more: { repos: [1, 2, 3, 4, 5, 6].map((id) => trigger(id, 'sweep')) } } : {}));
    const q = createRegistryQueue({ process: r.process, debounceMs: 5, maxBatch: 3 });
    q.enqueue({ repos: [trigger(1, 'push-1')], sweeps: [{ installationId: 9, deliveryId: 'sweep', event: 'installation.created' }] });
    await q.drain();
    expect(r.batches.map((b) => b.repos.map((x) => x.repositoryId))).toEqual([[1], [2, 3, 4], [5, 6]]);

    const r2 = recording((w) => (w.sweeps.length > 0 ? { more: { repos: [1, 2, 3, 4, 5, 6].map((id) => trigger(id, 'sweep')) } } : {}));
    const q2 = createRegistryQueue({ process: r2.process, debounceMs: 5, maxBatch: 3 });
    q2.enqueue({ sweeps: [{ installationId: 9, deliveryId: 'sweep', event: 'installation.created' }] });
    await sleep(10); // the sweep's batch is under way
    q2.enqueue({ repos: [trigger(6, 'push-6'), trigger(50, 'push-50')] });
    await q2.drain();
    // The pushes (50, and 6 which the sweep also listed) go before the sweep's other repositories.
    expect(r2.batches.map((b) => b.repos.map((x) => x.repositoryId))).toEqual([[], [6, 50, 1], [2, 3, 4], [5]]);
    q.close();
    q2.close();
  });

  it('a push arriving while its repository is re-read is not re-read again when the re-read found its commit', async () => {
    const r = recording((w) => ({ observed: w.repos.map((x) => ({ repositoryId: x.repositoryId, headCommit: 'c1' })) }));
    const q = createRegistryQueue({ process: r.process, debounceMs: 5 });
    q.enqueue({ repos: [trigger(1, 'a', { push: { commit: 'c1' } }), trigger(2, 'b', { push: { commit: 'c1' } })] });
    await sleep(12); // under way
    q.enqueue({ repos: [trigger(1, 'a2', { push: { commit: 'c1' } }), trigger(2, 'b2', { push: { commit: 'c2' } })] });
    await q.drain();
    // Repository 1's push named the commit already read; repository 2's a newer one.
    expect(r.batches.map((b) => b.repos.map((x) => x.repositoryId))).toEqual([[1, 2], [2]]);
    q.close();
  });
});
