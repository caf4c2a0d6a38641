/** Registry edits: the listing rules, keyed by repository id, idempotent and order-insensitive. */

import { describe, expect, it } from 'vitest';
import { observation, sha } from '../support/registry.ts';
import { catalogOf, serializeRegistry } from '../../src/registry/csv.ts';
import { applyObservations, REASONS, summarizeChanges } from '../../src/registry/edit.ts';
import type { ChangeContext, RegistryState, RepositoryObservation } from '../../src/registry/model.ts';

const EMPTY: RegistryState = { datasets: [], changelog: [] };
const T1 = '2024-05-01T12:00:00Z';
const T2 = '2024-05-02T12:00:00Z';
const T3 = '2024-05-03T12:00:00Z';
const ctx = (now = T1, delivery = 'delivery-1'): ChangeContext => ({ now, delivery, coreOrg: 'os-data' });

const obs = observation;

const gone = (id: number): RepositoryObservation => ({
  repositoryId: id,
  exists: false,
  installed: true,
  private: false,
  archived: false,
  owner: '',
  repo: '',
  htmlUrl: '',
  defaultBranch: '',
  headCommit: null,
  descriptor: null,
});

/** Apply batches in turn, each at its own time. */
function run(...batches: RepositoryObservation[][]): RegistryState {
  let state = EMPTY;
  batches.forEach((b, i) => (state = applyObservations(state, b, ctx(`2024-05-0${i + 1}T12:00:00Z`, `d-${i + 1}`)).state));
  return state;
}

const row = (state: RegistryState, id: number) => state.datasets.find((d) => d.repositoryId === id);
const catalogNames = (state: RegistryState): string[] => catalogOf(state.datasets).map((c) => `${c.owner}/${c.name}`);

describe('listing rules', () => {
  it('lists a public, installed repository with a valid descriptor of its own owner', () => {
    const { state, changes } = applyObservations(EMPTY, [obs(1, { descriptor: { name: 'budget', title: 'Budget' } })], ctx());
    expect(state.datasets).toEqual([
      {
        repositoryId: 1,
        owner: 'os-data',
        repo: 'repo-1',
        name: 'budget',
        url: 'https://github.com/os-data/repo-1',
        core: true,
        title: 'Budget',
        defaultBranch: 'main',
        lastCommit: sha(1),
        valid: true,
        s3Prefix: 'datasets/os-data/budget/',
        updated: T1,
        status: 'published',
        reason: '',
      },
    ]);
    expect(changes).toEqual([
      { time: T1, event: 'listed', dataset: 'os-data/budget', repositoryId: 1, commit: sha(1), delivery: 'delivery-1', note: '' },
    ]);
    expect(state.changelog).toEqual(changes);
    expect(catalogOf(state.datasets)).toEqual([{ url: 'https://github.com/os-data/repo-1', name: 'budget', owner: 'os-data' }]);
  });

  it('marks core datasets by the core organization, case-insensitively; others are user datasets', () => {
    const { state } = applyObservations(EMPTY, [obs(1, { owner: 'OS-Data' }), obs(2, { owner: 'alice' })], ctx());
    expect(state.datasets.map((d) => [d.owner, d.core, d.s3Prefix])).toEqual([
      ['OS-Data', true, 'datasets/os-data/ds-1/'],
      ['alice', false, 'datasets/alice/ds-2/'],
    ]);
  });

  it('refuses a descriptor that names another owner (owner spoofing): failed, never in the catalog', () => {
    const spoof = obs(7, {
      owner: 'mallory',
      descriptor: {
        name: 'budget',
        owner: 'os-data',
        valid: false,
        problems: ['owner "os-data" is not the owner of the repository ("mallory")'],
      },
    });
    const { state, changes } = applyObservations(EMPTY, [spoof], ctx());
    expect(row(state, 7)).toMatchObject({ owner: 'mallory', name: 'budget', status: 'failed', reason: REASONS.ownerMismatch, core: false });
    expect(catalogOf(state.datasets)).toEqual([]);
    expect(changes).toMatchObject([{ event: 'failed', dataset: 'mallory/budget', note: expect.stringContaining('owner mismatch') }]);
    // Even a descriptor the validator somehow passed is refused on the owner alone.
    expect(
      row(applyObservations(EMPTY, [obs(7, { owner: 'mallory', descriptor: { owner: 'os-data', valid: true } })], ctx()).state, 7)?.reason,
    ).toBe(REASONS.ownerMismatch);
  });

  it('matches the owner case-insensitively, and a descriptor without owner belongs to its GitHub owner', () => {
    const { state } = applyObservations(
      EMPTY,
      [obs(1, { owner: 'OS-Data', descriptor: { owner: 'os-data' } }), obs(2, { owner: 'alice', descriptor: { owner: null } })],
      ctx(),
    );
    expect(state.datasets.map((d) => d.status)).toEqual(['published', 'published']);
  });

  it('fails an invalid descriptor, noting its first problems', () => {
    const { state, changes } = applyObservations(
      EMPTY,
      [obs(3, { descriptor: { valid: false, problems: ['resources/0 must have "schema"', 'title is missing'] } })],
      ctx(),
    );
    expect(row(state, 3)).toMatchObject({ status: 'failed', reason: REASONS.invalid, valid: false });
    expect(changes[0]?.note).toBe('invalid datapackage.json: resources/0 must have "schema"; title is missing');
  });

  it('fails a package without a storage-safe name (the publisher would refuse it)', () => {
    const { state } = applyObservations(EMPTY, [obs(1, { descriptor: { name: null } }), obs(2, { descriptor: { name: 'a/b' } })], ctx());
    expect(state.datasets.map((d) => [d.status, d.reason, d.name, d.s3Prefix])).toEqual([
      ['failed', REASONS.invalidName, '', ''],
      ['failed', REASONS.invalidName, 'a/b', ''],
    ]);
  });

  it('adds no row for repositories that are not datasets, private, deleted or uninstalled', () => {
    const { state, changes } = applyObservations(
      EMPTY,
      [obs(1, { descriptor: null }), obs(2, { private: true }), gone(3), obs(4, { installed: false })],
      ctx(),
    );
    expect(state).toEqual(EMPTY);
    expect(changes).toEqual([]);
  });

  it('unlists a dataset whose datapackage.json disappears', () => {
    const state = run([obs(1)], [obs(1, { descriptor: null, headCommit: sha(1, 1) })]);
    expect(row(state, 1)).toMatchObject({
      status: 'failed',
      reason: REASONS.noDescriptor,
      lastCommit: sha(1, 1),
      valid: false,
      name: 'ds-1',
      title: 'Dataset 1',
    });
    expect(state.changelog.map((c) => c.event)).toEqual(['listed', 'unlisted']);
  });

  it('a private repository is not listed, keeps what was public, and reappears when public again', () => {
    let state = run([obs(1, { descriptor: { name: 'budget', title: 'Budget' } })]);
    const listed = row(state, 1)!;
    state = applyObservations(
      state,
      [obs(1, { private: true, repo: 'secret-name', descriptor: { name: 'secret', title: 'Secret' } })],
      ctx(T2),
    ).state;
    expect(row(state, 1)).toEqual({ ...listed, status: 'private', reason: REASONS.private, updated: T2 });
    expect(catalogNames(state)).toEqual([]);
    expect(state.changelog.at(-1)).toMatchObject({ event: 'privatized', dataset: 'os-data/budget' });
    state = applyObservations(state, [obs(1, { descriptor: { name: 'budget', title: 'Budget' } })], ctx(T3)).state;
    expect(row(state, 1)).toEqual({ ...listed, updated: T3 });
    expect(state.changelog.map((c) => c.event)).toEqual(['listed', 'privatized', 'listed']);
  });

  it('keeps an archived repository listed, noting it', () => {
    let state = run([obs(1)]);
    const r = applyObservations(state, [obs(1, { archived: true })], ctx(T2));
    state = r.state;
    expect(row(state, 1)).toMatchObject({ status: 'published', reason: REASONS.archived });
    expect(catalogNames(state)).toEqual(['os-data/ds-1']);
    expect(r.changes).toMatchObject([{ event: 'archived' }]);
    expect(applyObservations(state, [obs(1)], ctx(T3)).changes).toMatchObject([{ event: 'unarchived' }]);
  });

  it('removes deleted and uninstalled repositories, saying which, and lists them again when seen listed', () => {
    let state = run([obs(1), obs(2)], [gone(1), obs(2, { installed: false })]);
    expect(state.datasets.map((d) => [d.status, d.reason])).toEqual([
      ['removed', REASONS.deleted],
      ['removed', REASONS.uninstalled],
    ]);
    expect(catalogNames(state)).toEqual([]);
    // A 404 read without the repository's own installation cannot tell deleted from private.
    expect(row(applyObservations(run([obs(1)]), [{ ...gone(1), installed: false }], ctx(T2)).state, 1)?.reason).toBe(REASONS.uninstalled);
    state = applyObservations(state, [obs(2)], ctx(T3)).state;
    expect(row(state, 2)).toMatchObject({ status: 'published', reason: '' });
    expect(state.changelog.map((c) => `${c.event} ${c.repositoryId}`)).toEqual([
      'listed 1',
      'listed 2',
      'removed 1',
      'removed 2',
      'listed 2',
    ]);
  });

  it('changes only the row of a removed repository: it keeps its last known identity', () => {
    const before = row(run([obs(1)]), 1)!;
    expect(row(run([obs(1)], [gone(1)]), 1)).toEqual({ ...before, status: 'removed', reason: REASONS.deleted, updated: T2 });
  });
});

describe('renames and transfers', () => {
  it('updates the row in place on a rename, then removes it on delete: never a second row', () => {
    const state = run(
      [obs(1, { repo: 'budget', descriptor: { name: 'budget' } })],
      [obs(1, { repo: 'budget-2024', descriptor: { name: 'budget' } })],
      [gone(1)],
    );
    expect(state.datasets).toHaveLength(1);
    expect(row(state, 1)).toMatchObject({
      repo: 'budget-2024',
      url: 'https://github.com/os-data/budget-2024',
      status: 'removed',
      reason: REASONS.deleted,
    });
    expect(state.changelog.map((c) => [c.event, c.note])).toEqual([
      ['listed', ''],
      ['renamed', 'os-data/budget → os-data/budget-2024'],
      ['removed', 'the repository was not found (deleted)'],
    ]);
  });

  it('follows a transfer: new owner, core status and store prefix, one row', () => {
    const state = run(
      [obs(1, { owner: 'alice', descriptor: { name: 'budget' } })],
      [obs(1, { owner: 'os-data', descriptor: { name: 'budget' } })],
    );
    expect(state.datasets).toHaveLength(1);
    expect(row(state, 1)).toMatchObject({ owner: 'os-data', core: true, s3Prefix: 'datasets/os-data/budget/', status: 'published' });
    expect(state.changelog.map((c) => [c.event, c.dataset, c.note])).toEqual([
      ['listed', 'alice/budget', ''],
      ['transferred', 'os-data/budget', 'alice/repo-1 → os-data/repo-1'],
    ]);
  });

  it('a rename together with a new commit logs both', () => {
    const state = run([obs(1)], [obs(1, { repo: 'renamed', headCommit: sha(1, 9) })]);
    expect(state.changelog.slice(1).map((c) => c.event)).toEqual(['renamed', 'updated']);
  });

  it('a transfer to a mismatching owner unlists it', () => {
    const state = run(
      [obs(1, { owner: 'alice', descriptor: { owner: 'alice' } })],
      [obs(1, { owner: 'bob', descriptor: { owner: 'alice', valid: false } })],
    );
    expect(row(state, 1)).toMatchObject({ owner: 'bob', status: 'failed', reason: REASONS.ownerMismatch });
    expect(state.changelog.slice(1).map((c) => c.event)).toEqual(['transferred', 'unlisted']);
  });
});

describe('name collisions', () => {
  const a = obs(100, { repo: 'budget', descriptor: { name: 'budget' } });
  const b = obs(200, { repo: 'budget-copy', descriptor: { name: 'budget' } });

  it('the older repository keeps the (owner, name); the other fails with "name taken"', () => {
    for (const batch of [
      [a, b],
      [b, a],
    ]) {
      const { state } = applyObservations(EMPTY, batch, ctx());
      expect(state.datasets.map((d) => [d.repositoryId, d.status, d.reason])).toEqual([
        [100, 'published', ''],
        [200, 'failed', REASONS.nameTaken],
      ]);
      expect(catalogNames(state)).toEqual(['os-data/budget']);
    }
  });

  it('converges whichever repository was seen first, and compares names case-insensitively', () => {
    const b2 = obs(200, { owner: 'OS-DATA', repo: 'budget-copy', descriptor: { name: 'budget', owner: 'os-data' } });
    const one = run([a], [b2]);
    const other = run([b2], [a]);
    expect(other.datasets.map((d) => [d.status, d.reason])).toEqual(one.datasets.map((d) => [d.status, d.reason]));
    expect(other.datasets.map((d) => d.status)).toEqual(['published', 'failed']);
  });

  it('gives the name to the next claimant when the holder goes', () => {
    const state = run([a, b], [gone(100)]);
    expect(state.datasets.map((d) => [d.repositoryId, d.status, d.reason])).toEqual([
      [100, 'removed', REASONS.deleted],
      [200, 'published', ''],
    ]);
    expect(state.changelog.map((c) => `${c.event} ${c.repositoryId}`)).toEqual(['listed 100', 'failed 200', 'removed 100', 'listed 200']);
    expect(state.changelog.at(-1)?.note).toBe('the name is free again');
  });

  it('different owners may use the same name', () => {
    const { state } = applyObservations(EMPTY, [a, obs(300, { owner: 'alice', descriptor: { name: 'budget' } })], ctx());
    expect(catalogNames(state)).toEqual(['alice/budget', 'os-data/budget']);
  });
});

describe('idempotency and convergence', () => {
  const batch = [
    obs(1),
    obs(2, { owner: 'alice' }),
    obs(3, { owner: 'mallory', descriptor: { owner: 'os-data', valid: false } }),
    obs(4, { descriptor: { valid: false, problems: ['x'] } }),
  ];

  it('applying the same observations again changes nothing: no changelog rows, same updated times', () => {
    const first = applyObservations(EMPTY, batch, ctx(T1));
    const second = applyObservations(first.state, batch, ctx(T2, 'redelivery'));
    expect(second.changes).toEqual([]);
    expect(second.state).toEqual(first.state);
    expect(serializeRegistry(second.state)).toEqual(serializeRegistry(first.state));
  });

  it('duplicate observations in one batch count once', () => {
    const { changes } = applyObservations(EMPTY, [obs(1), obs(1), obs(1)], ctx());
    expect(changes.map((c) => c.event)).toEqual(['listed']);
  });

  it('is insensitive to the order of different repositories', () => {
    const more = [...batch, obs(5, { repo: 'x', descriptor: { name: 'ds-1' } }), obs(6, { private: true }), gone(7)];
    const reference = serializeRegistry(applyObservations(EMPTY, more, ctx()).state);
    for (let seed = 1; seed <= 20; seed++) {
      const shuffled = [...more].sort((x, y) => ((x.repositoryId * 31 + seed * 17) % 11) - ((y.repositoryId * 31 + seed * 17) % 11));
      expect(serializeRegistry(applyObservations(EMPTY, shuffled, ctx()).state)).toEqual(reference);
    }
  });

  it('[listed, removed] and [removed, removed] converge, in one batch or in two', () => {
    const listed = run([obs(1)]);
    const afterPair = (pair: RepositoryObservation[]) => applyObservations(listed, pair, ctx(T2)).state;
    expect(afterPair([obs(1), gone(1)]).datasets).toEqual(afterPair([gone(1), gone(1)]).datasets);
    const twoBatches = (x: RepositoryObservation, y: RepositoryObservation) =>
      applyObservations(applyObservations(listed, [x], ctx(T2)).state, [y], ctx(T2)).state.datasets;
    expect(twoBatches(obs(1), gone(1))).toEqual(twoBatches(gone(1), gone(1)));
    // From nothing: no row either way (the last read of a repository is the truth).
    expect(applyObservations(EMPTY, [obs(1), gone(1)], ctx()).state).toEqual(EMPTY);
  });

  it('a late push after a delete does not resurrect: its re-read says the repository is gone', () => {
    let state = run([obs(1)], [gone(1)]);
    const before = state;
    state = applyObservations(state, [gone(1)], ctx(T3, 'late-push')).state;
    expect(state).toEqual(before);
    expect(row(state, 1)?.status).toBe('removed');
  });

  it('moves `updated` only when the row changes', () => {
    let state = run([obs(1), obs(2)]);
    state = applyObservations(state, [obs(1, { headCommit: sha(1, 1) }), obs(2)], ctx(T3)).state;
    expect(state.datasets.map((d) => d.updated)).toEqual([T3, T1]);
    expect(state.changelog.at(-1)).toMatchObject({
      event: 'updated',
      repositoryId: 1,
      commit: sha(1, 1),
      time: T3,
      note: `commit ${sha(1, 1).slice(0, 12)}`,
    });
  });

  it('every changelog row carries the context time and delivery, in repository order', () => {
    const { changes } = applyObservations(EMPTY, [obs(9), obs(3), obs(5)], ctx(T2, 'abc-123'));
    expect(changes.map((c) => [c.repositoryId, c.time, c.delivery])).toEqual([
      [3, T2, 'abc-123'],
      [5, T2, 'abc-123'],
      [9, T2, 'abc-123'],
    ]);
  });

  it('does not change the state it is given', () => {
    const state = run([obs(1)]);
    const copy = structuredClone(state);
    applyObservations(state, [gone(1), obs(2)], ctx(T2));
    expect(state).toEqual(copy);
  });
});

describe('summarizeChanges', () => {
  it('names one dataset, counts several', () => {
    const { changes } = applyObservations(
      run([obs(1), obs(2), obs(3)]),
      [
        obs(1, { headCommit: sha(1, 2) }),
        obs(2, { headCommit: sha(2, 2) }),
        obs(3, { headCommit: sha(3, 2) }),
        obs(4, { descriptor: { name: 'budget' } }),
      ],
      ctx(T2),
    );
    expect(summarizeChanges(changes)).toBe('updated 3 datasets, listed os-data/budget');
  });
});
